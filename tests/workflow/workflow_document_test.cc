#include "workflow/workflow_document.h"

#include <ostream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workflow/dsl_test_documents.h"

namespace stigmer::workflow {
namespace {

using ::stigmer::workflow::testing::WithHeader;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// A document per task family; each must parse.
struct ValidCase {
  const char* name;
  const char* body;
};

const ValidCase kValidDocuments[] = {
    {"set", R"(
do:
  - greet:
      set:
        message: hello
        size: ${ .configuration.size }
)"},
    {"set_expression", R"(
do:
  - replace:
      set: '${ {total: (.items | length)} }'
)"},
    {"call_http", R"(
do:
  - getPet:
      call: http
      with:
        method: get
        endpoint: https://petstore.example/v2/pet/{petId}
        headers:
          accept: application/json
        query:
          verbose: true
        output: response
        redirect: false
)"},
    {"call_http_endpoint_object", R"(
do:
  - postOrder:
      call: http
      with:
        method: POST
        endpoint:
          uri: ${ "https://shop.example/orders/" + (.id | tostring) }
        body:
          id: ${ .id }
)"},
    {"do", R"(
do:
  - prepare:
      do:
        - first:
            set: {a: 1}
        - second:
            set: {b: 2}
)"},
    {"for", R"(
do:
  - checkup:
      for:
        each: pet
        in: .pets
        at: position
      while: $position < 10
      do:
        - examine:
            set:
              id: ${ $pet.id }
              at: ${ $position }
)"},
    {"for_defaults", R"(
do:
  - loop:
      for:
        in: ${ .items }
      do:
        - record:
            set:
              value: ${ $item }
              index: ${ $index }
)"},
    {"fork", R"(
do:
  - raiseAlarm:
      fork:
        compete: true
        branches:
          - callNurse:
              call: http
              with:
                method: put
                endpoint: https://hospital.example/nurses
          - callDoctor:
              call: http
              with:
                method: put
                endpoint: https://hospital.example/doctor
)"},
    {"raise", R"(
do:
  - fail:
      raise:
        error:
          type: https://serverlessworkflow.io/spec/1.0.0/errors/validation
          status: 400
          title: Bad input
          detail: ${ "missing " + .field }
)"},
    {"raise_reference", R"(
use:
  errors:
    notFound:
      type: https://serverlessworkflow.io/spec/1.0.0/errors/runtime
      status: 404
do:
  - fail:
      raise:
        error: notFound
)"},
    {"run_shell", R"(
do:
  - greet:
      run:
        shell:
          command: echo "Hello, ${ .user.name }"
          arguments:
            - --verbose
          environment:
            GREETING: hi
        return: all
        await: true
)"},
    {"switch", R"(
do:
  - route:
      switch:
        - electronic:
            when: .orderType == "electronic"
            then: processElectronic
        - other:
            then: end
  - processElectronic:
      set:
        kind: electronic
      then: exit
)"},
    {"try", R"(
use:
  retries:
    thrice:
      delay: PT1S
      limit:
        attempt:
          count: 3
do:
  - attempt:
      try:
        - call:
            call: http
            with:
              method: get
              endpoint: https://flaky.example
      catch:
        errors:
          with:
            type: https://serverlessworkflow.io/spec/1.0.0/errors/communication
            status: 503
        as: failure
        when: $failure.status == 503
        retry: thrice
        do:
          - note:
              set:
                status: ${ $failure.status }
)"},
    {"try_inline_retry", R"(
do:
  - attempt:
      try:
        - call:
            call: http
            with:
              method: get
              endpoint: https://flaky.example
      catch:
        retry:
          delay:
            seconds: 3
          backoff:
            exponential: {}
          limit:
            attempt:
              count: 5
              duration: PT1M
            duration:
              minutes: 5
          jitter:
            from: PT0.1S
            to:
              milliseconds: 500
)"},
    {"wait_string", R"(
do:
  - pause:
      wait: PT2S
)"},
    {"wait_object", R"(
do:
  - pause:
      wait:
        seconds: 10
        milliseconds: 5
)"},
    {"common_fields", R"(
input:
  from: .order
output:
  as: '${ {result: .} }'
timeout:
  after:
    minutes: 5
do:
  - step:
      if: .enabled
      input:
        from: ${ .payload }
      output:
        as:
          total: ${ .a + .b }
      export:
        as: '$context + {step: .}'
      timeout:
        after: PT30S
      metadata:
        owner: team
      set:
        a: 1
      then: continue
)"},
    {"then_names_a_later_task", R"(
do:
  - first:
      set: {a: 1}
      then: third
  - second:
      set: {b: 2}
  - third:
      set: {c: 3}
)"},
};

void PrintTo(const ValidCase& valid_case, std::ostream* out) { *out << valid_case.name; }

class ValidDocumentTest : public ::testing::TestWithParam<ValidCase> {};

TEST_P(ValidDocumentTest, Parses) {
  absl::StatusOr<WorkflowDocument> document = ParseWorkflowDocument(WithHeader(GetParam().body));
  ASSERT_TRUE(document.ok()) << document.status();
  EXPECT_EQ(document->dsl, "1.0.0");
  EXPECT_EQ(document->namespace_, "test");
  EXPECT_EQ(document->name, "sample");
  EXPECT_EQ(document->version, "0.1.0");
  EXPECT_TRUE(document->json["do"].is_array());
}

INSTANTIATE_TEST_SUITE_P(TaskFamilies, ValidDocumentTest, ::testing::ValuesIn(kValidDocuments),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ParseWorkflowDocumentTest, JsonAndYamlGiveTheSameDocument) {
  const char* yaml = R"(
document:
  dsl: 1.0.3
  namespace: default
  name: hello
  version: 1.0.0
do:
  - a:
      set:
        n: 1
  - b:
      wait: PT1S
)";
  const char* json = R"({
    "document": {"dsl": "1.0.3", "namespace": "default", "name": "hello", "version": "1.0.0"},
    "do": [{"a": {"set": {"n": 1}}}, {"b": {"wait": "PT1S"}}]
  })";
  absl::StatusOr<WorkflowDocument> from_yaml = ParseWorkflowDocument(yaml);
  absl::StatusOr<WorkflowDocument> from_json = ParseWorkflowDocument(json);
  ASSERT_TRUE(from_yaml.ok()) << from_yaml.status();
  ASSERT_TRUE(from_json.ok()) << from_json.status();
  EXPECT_EQ(from_yaml->json, from_json->json);
  EXPECT_EQ(from_json->name, "hello");
  EXPECT_EQ(from_json->dsl, "1.0.3");
  // Task order is kept.
  EXPECT_EQ(from_json->json["do"][0].begin().key(), "a");
  EXPECT_EQ(from_json->json["do"][1].begin().key(), "b");
}

TEST(ParseWorkflowDocumentTest, RefusesDocumentsLargerThanFourMebibytes) {
  std::string text = WithHeader("do:\n  - a:\n      set:\n        x: 1\n");
  text += "# " + std::string(kMaxWorkflowDocumentBytes, 'x') + "\n";
  absl::StatusOr<WorkflowDocument> document = ParseWorkflowDocument(text);
  ASSERT_FALSE(document.ok());
  EXPECT_EQ(document.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(document.status().message(), "the document is larger than 4 MiB");
}

TEST(ParseWorkflowDocumentTest, AcceptsADocumentOfExactlyFourMebibytes) {
  std::string text = WithHeader("do:\n  - a:\n      set:\n        x: 1\n");
  text += "#";
  text += std::string(kMaxWorkflowDocumentBytes - text.size() - 1, 'x');
  text += "\n";
  ASSERT_EQ(text.size(), kMaxWorkflowDocumentBytes);
  EXPECT_TRUE(ParseWorkflowDocument(text).ok());
}

// Documents between 2 and 4 MiB used to be accepted here and then fail every run with
// Temporal's "Blob data size exceeds limit".
TEST(ParseWorkflowDocumentTest, ApplyOfADocumentOverTwoMebibytesIsRefusedNamingTheLimit) {
  const std::string text =
      WithHeader("do:\n  - a:\n      set:\n        pad: " + std::string(2600 * 1024, 'x') + "\n");
  absl::StatusOr<WorkflowDocument> document = ParseWorkflowDocument(text);
  ASSERT_FALSE(document.ok());
  EXPECT_EQ(document.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(document.status().message(),
            "the workflow document is 2.5 MiB as JSON; the most Temporal accepts in one payload "
            "is 2 MiB: split it into smaller workflows");
  EXPECT_TRUE(ParseWorkflowDocument(WithHeader("do:\n  - a:\n      set:\n        pad: " +
                                               std::string(1900 * 1024, 'x') + "\n"))
                  .ok());
}

TEST(ParseWorkflowDocumentTest, YamlSyntaxErrorsNameLineAndColumn) {
  absl::StatusOr<WorkflowDocument> document =
      ParseWorkflowDocument(WithHeader("do:\n  - a: [1, 2\n"));
  ASSERT_FALSE(document.ok());
  EXPECT_EQ(document.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(document.status().message()), StartsWith("line "));
}

TEST(ParseWorkflowDocumentTest, TheFirstProblemComesFirstAndAllFollow) {
  absl::StatusOr<WorkflowDocument> document = ParseWorkflowDocument(WithHeader(R"(
do:
  - ok:
      set: {a: 1}
  - bad:
      call: smtp
  - worse:
      emit:
        event: {}
)"));
  ASSERT_FALSE(document.ok());
  EXPECT_EQ(document.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(document.status().message(),
            "/do/1/bad/call: unknown call type \"smtp\"\n"
            "/do/2/worse/emit/event: missing required property \"with\"");
}

TEST(ParseWorkflowDocumentTest, RootProblemsShowTheRootPointer) {
  absl::StatusOr<WorkflowDocument> document = ParseWorkflowDocument("- just\n- a list\n");
  ASSERT_FALSE(document.ok());
  EXPECT_THAT(std::string(document.status().message()),
              StartsWith("/: the document must be a mapping"));
}

}  // namespace
}  // namespace stigmer::workflow

// JSON Schema checks (dsl.md "Data Flow"): the checker itself, the DSL's Schema objects at
// apply, the data flow's checkpoints at run, and hostile schemas in the expression sandbox.

#include "workflow/json_schema.h"

#include <string>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"
#include "workflow/dsl_test_documents.h"
#include "workflow/expression_sandbox.h"
#include "workflow/interpreter.h"
#include "workflow/interpreter_test_fake_context.h"

namespace stigmer::workflow {
namespace {

using ::stigmer::workflow::testing::ProblemsOf;
using ::stigmer::workflow::testing::WithHeader;
using ::testing::Field;
using ::testing::HasSubstr;
using json = nlohmann::json;

const json kOrder = json::parse(R"({
  "type": "object",
  "required": ["items"],
  "properties": {"items": {"type": "array", "items": {
    "type": "object", "required": ["price"],
    "properties": {"price": {"type": "number", "minimum": 0}}}}}})");

TEST(JsonSchemaTest, NamesTheFirstFailingPlaceAsAJsonPointer) {
  EXPECT_TRUE(ValidateJson(kOrder, json::parse(R"({"items": [{"price": 3}]})")).ok());
  absl::Status status = ValidateJson(kOrder, json::parse(R"({"items": [{"price": -1}]})"));
  EXPECT_TRUE(absl::IsInvalidArgument(status));
  EXPECT_EQ(status.message(), "at /items/0/price: Expected number greater than or equal to 0");
  status = ValidateJson(kOrder, json::parse(R"({"items": [{"price": 1}, {}]})"));
  EXPECT_EQ(status.message(), "at /items/1: Missing required property 'price'.");
  status = ValidateJson(kOrder, json::array());
  EXPECT_THAT(status.message(), HasSubstr("at /: "));
}

TEST(JsonSchemaTest, AnUnusableSchemaIsAnErrorNotACrash) {
  EXPECT_THAT(CheckJsonSchema(json::parse(R"({"type": "strin"})")).message(),
              HasSubstr("Unrecognised JSON type name 'strin'"));
  EXPECT_THAT(CheckJsonSchema(json::parse(R"({"$ref": "https://example.com/s.json"})")).message(),
              HasSubstr("remote"));
  EXPECT_THAT(ValidateJson(json::parse(R"({"pattern": "(unclosed"})"), "x").message(),
              HasSubstr("the schema is not usable"));
}

TEST(SchemaValidationTest, AppliedDocumentsCheckTheirSchemasAndRefuseResources) {
  EXPECT_THAT(ProblemsOf(WithHeader(R"(input:
  schema:
    format: json
    document: {type: object, required: [name]}
do:
  - a:
      set: {a: 1}
)")),
              ::testing::IsEmpty());
  auto problems = ProblemsOf(WithHeader(R"(input:
  schema:
    document: {type: strin}
do:
  - a:
      output:
        schema:
          resource:
            endpoint: https://example.com/schema.json
      set: {a: 1}
)"));
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].pointer, "/input/schema/document");
  EXPECT_THAT(problems[0].message, HasSubstr("Unrecognised JSON type name 'strin'"));
  EXPECT_EQ(problems[1].pointer, "/do/0/a/output/schema/resource");
  EXPECT_EQ(problems[1].message,
            "schemas are not fetched at run time: put the schema under `document`");
  problems = ProblemsOf(WithHeader(R"(input:
  schema:
    format: avro
    document: {}
do:
  - a:
      set: {a: 1}
)"));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].message, "schema format \"avro\" is not supported: use json (JSON Schema)");
}

TEST(SchemaRunTest, TheWorkflowInputIsCheckedBeforeItsFirstTask) {
  const char* body = R"(input:
  schema:
    document: {type: object, required: [name], properties: {name: {type: string}}}
do:
  - greet:
      set:
        greeting: ${ "Hi " + .name }
)";
  RunResult good = RunWorkflow(body, {{"name", "Ada"}});
  EXPECT_EQ(good.output, json({{"greeting", "Hi Ada"}}));

  FakeContext context;
  RunResult bad = RunWorkflow(body, {{"name", 7}}, &context);
  ASSERT_EQ(bad.state, RunResult::State::kFailed);
  EXPECT_EQ(bad.error.type, "https://serverlessworkflow.io/spec/1.0.0/errors/validation");
  EXPECT_EQ(bad.error.status, 400);
  EXPECT_EQ(bad.error.title, "Invalid input");
  EXPECT_EQ(bad.error.instance, "/input");
  EXPECT_THAT(bad.error.detail,
              HasSubstr("the workflow's input does not match its schema: at /name: "));
  EXPECT_EQ(context.TasksRecorded(), 0u) << "no task may run on invalid input";
}

TEST(SchemaRunTest, TaskInputIsCheckedRawAndTaskOutputAfterAs) {
  RunResult result = RunWorkflow(R"(do:
  - pick:
      input:
        schema:
          document: {type: object, required: [order]}
        from: .order
      output:
        as: .total
        schema:
          document: {type: number, maximum: 100}
      set:
        total: ${ .qty * .price }
)",
                                 {{"order", {{"qty", 3}, {"price", 50}}}});
  ASSERT_EQ(result.state, RunResult::State::kFailed);
  EXPECT_EQ(result.error.title, "Invalid output");
  EXPECT_EQ(result.error.instance, "/do/0/pick");
  EXPECT_THAT(result.error.detail,
              HasSubstr("the task's output does not match its schema: at /: Expected number less "
                        "than or equal to 100"));

  result = RunWorkflow(R"(do:
  - pick:
      input:
        schema:
          document: {type: object, required: [order]}
      set: {a: 1}
)",
                       {{"other", 1}});
  EXPECT_EQ(result.error.title, "Invalid input");
  EXPECT_THAT(result.error.detail, HasSubstr("Missing required property 'order'"));
}

TEST(SchemaRunTest, AValidationErrorIsCaughtLikeAnyOther) {
  RunResult result = RunWorkflow(R"(do:
  - guard:
      try:
        - check:
            input:
              schema:
                document: {type: string}
            set: {a: 1}
      catch:
        errors:
          with:
            type: https://serverlessworkflow.io/spec/1.0.0/errors/validation
        as: problem
        do:
          - recover:
              set:
                recovered: ${ $problem.title }
)",
                                 json(5));
  ASSERT_EQ(result.state, RunResult::State::kCompleted);
  EXPECT_EQ(result.output, json({{"recovered", "Invalid input"}}));
}

ExpressionLimits SandboxLimits() {
  ExpressionLimits limits;
  limits.timeout = absl::Seconds(1);
  return limits;
}

// std::regex recurses once per character: in-process, this string crashed the worker.
TEST(SchemaSandboxTest, PatternOnAHugeStringOverflowsOnlyTheSandboxAndTheNextCheckRuns) {
  ExpressionSandbox sandbox(stigmer::testing::StigmerBinary(), SandboxLimits());
  const std::string schema = R"({"type": "string", "pattern": "(a|b)*c"})";
  absl::Status status = sandbox.CheckSchema(schema, json(std::string(400000, 'a')).dump());
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer takes the overflow's SIGSEGV itself and ends the sandbox with exit 1.
  EXPECT_FALSE(status.ok());
#else
  EXPECT_TRUE(absl::IsResourceExhausted(status)) << status;
  EXPECT_THAT(status.message(), HasSubstr("maxLength"));
#endif

  EXPECT_TRUE(sandbox.CheckSchema(schema, R"("abc")").ok());
  EXPECT_TRUE(absl::IsInvalidArgument(sandbox.CheckSchema(schema, R"("abd")")));
}

TEST(SchemaSandboxTest, ABacktrackingPatternStopsAtTheTimeLimit) {
  ExpressionSandbox sandbox(stigmer::testing::StigmerBinary(), SandboxLimits());
  const absl::Time start = absl::Now();
  absl::Status status =
      sandbox.CheckSchema(R"({"pattern": "^(a+)+b"})", json(std::string(40, 'a') + "!").dump());
  EXPECT_TRUE(absl::IsResourceExhausted(status)) << status;
  EXPECT_THAT(status.message(), HasSubstr("stopped after 1s"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  EXPECT_TRUE(sandbox.CheckSchema(R"({"type": "integer"})", "3").ok());
}

}  // namespace
}  // namespace stigmer::workflow

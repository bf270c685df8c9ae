// `run: workflow` at apply: what is accepted, and each refusal with its pointer and message.

#include "workflow/dsl_run_workflow.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workflow/dsl_test_documents.h"
#include "workflow/workflow_document.h"
#include "workflow/yaml_to_json.h"

namespace stigmer::workflow {
namespace {

using ::stigmer::workflow::testing::ProblemsOf;
using ::stigmer::workflow::testing::WithHeader;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

ValidationProblem P(std::string pointer, std::string message) {
  return {std::move(pointer), std::move(message)};
}

// WithHeader's document is namespace "test", name "sample" (dsl_test_documents.h).
std::vector<ValidationProblem> RunProblems(const std::string& run) {
  return ProblemsOf(WithHeader("do:\n  - child:\n      run:\n" + run));
}

TEST(RunWorkflowValidationTest, AcceptsAReferenceWithInput) {
  EXPECT_THAT(RunProblems("        workflow:\n          namespace: test\n          name: other\n"
                          "          version: '1.0.0'\n          input: {a: '${ .a }'}\n"),
              IsEmpty());
}

TEST(RunWorkflowValidationTest, AnotherNamespaceIsRefused) {
  EXPECT_THAT(
      RunProblems("        workflow: {namespace: elsewhere, name: other, version: '1.0.0'}\n"),
      ElementsAre(P("/do/0/child/run/workflow/namespace",
                    "namespace \"elsewhere\" is not this workflow's (\"test\"): stigmer runs "
                    "workflows of the same namespace only")));
}

TEST(RunWorkflowValidationTest, NameMustBeAnAppliedWorkflowsNameAndVersionIsRequired) {
  EXPECT_THAT(RunProblems("        workflow: {namespace: test, name: '${ .n }', version: '1'}\n"),
              ElementsAre(P("/do/0/child/run/workflow/name",
                            "must be the name of an applied workflow, not an expression "
                            "(stigmer-server resolves it when the execution starts)")));
  EXPECT_THAT(RunProblems("        workflow: {namespace: test, name: other}\n"),
              ElementsAre(P("/do/0/child/run/workflow", "missing required property \"version\"")));
}

TEST(RunWorkflowValidationTest, AwaitFalseIsAcceptedAndAwaitMustBeABoolean) {
  EXPECT_THAT(RunProblems("        workflow: {namespace: test, name: other, version: '1.0.0'}\n"
                          "        await: false\n"),
              IsEmpty());
  EXPECT_THAT(RunProblems("        workflow: {namespace: test, name: other, version: '1.0.0'}\n"
                          "        await: later\n"),
              ElementsAre(P("/do/0/child/run/await", "must be true or false")));
}

TEST(RunWorkflowValidationTest, RunWorkflowsListsEveryReference) {
  auto document = YamlToJson(
      WithHeader("do:\n  - a:\n      run:\n        workflow: {namespace: test, name: x, version: "
                 "'1.0.0'}\n  - b:\n      try:\n        - c:\n            run:\n              "
                 "workflow: {namespace: test, name: y, version: '2.0.0'}\n      catch: {}\n"));
  ASSERT_TRUE(document.ok()) << document.status();
  EXPECT_THAT(RunWorkflows(*document),
              ElementsAre(std::pair<std::string, std::string>("x", "1.0.0"),
                          std::pair<std::string, std::string>("y", "2.0.0")));
}

}  // namespace
}  // namespace stigmer::workflow

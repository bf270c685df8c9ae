// `run: workflow` run by the interpreter: the child started with the resolved document, awaited
// (its output the task's) or not (`await: false`: the task outputs its input).

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workflow/dsl_test_documents.h"
#include "workflow/interpreter.h"
#include "workflow/interpreter_test_fake_context.h"

namespace stigmer::workflow {
namespace {

using json = nlohmann::json;

RuntimeValues WithChild() {
  RuntimeValues runtime;
  runtime.workflow_id = "wex-test";
  runtime.workflow_task_queue = "workflows-q";
  const json document = {{"document", {{"name", "child"}}}, {"do", json::array()}};
  runtime.workflows = json::object();
  runtime.workflows["child@1.0.0"] = {{"document", document}};
  return runtime;
}

std::string Document(const std::string& await) {
  return "do:\n  - launch:\n      run:\n        workflow: {namespace: test, name: child, "
         "version: '1.0.0', input: {n: '${ .n }'}}\n" +
         await + "  - next:\n      set:\n        seen: ${ . }\n";
}

TEST(RunWorkflowTaskTest, AnAwaitedChildsOutputIsTheTasksOutput) {
  FakeContext context;
  context.results_by_path["/do/0/launch"] = durable::ActivityOutcome::Completed({{"done", 1}});
  absl::StatusOr<RunResult> result =
      Interpret(TestDocument(Document("")), {{"n", 7}}, WithChild(), context, {});
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->state, RunResult::State::kCompleted);
  EXPECT_EQ(result->output, json({{"seen", {{"done", 1}}}}));
  ASSERT_FALSE(context.calls.empty());
  EXPECT_EQ(context.calls[0].kind, "child:ServerlessWorkflow");
  EXPECT_EQ(context.calls[0].detail["input"][1], json({{"n", 7}}));
}

TEST(RunWorkflowTaskTest, AChildNotAwaitedLeavesTheTasksInputAsItsOutput) {
  FakeContext context;
  context.results_by_path["/do/0/launch"] = durable::ActivityOutcome::Completed(nullptr);
  absl::StatusOr<RunResult> result = Interpret(TestDocument(Document("        await: false\n")),
                                               {{"n", 7}}, WithChild(), context, {});
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->state, RunResult::State::kCompleted);
  EXPECT_EQ(result->output, json({{"seen", {{"n", 7}}}}));
}

}  // namespace
}  // namespace stigmer::workflow

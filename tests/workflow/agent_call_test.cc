// `call: agent` (workflow/dsl_agent_call.h): its shape checked at apply, the agents a workflow
// calls found for the server to resolve, and the task run as a child workflow whose result is
// its output.

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workflow/dsl_agent_call.h"
#include "workflow/dsl_test_documents.h"
#include "workflow/interpreter.h"
#include "workflow/interpreter_test_fake_context.h"
#include "workflow/workflow_document.h"

namespace stigmer::workflow {
namespace {

using ::stigmer::workflow::testing::ProblemsOf;
using ::stigmer::workflow::testing::WithHeader;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using json = nlohmann::json;

constexpr char kAsk[] = R"(do:
  - ask:
      call: agent
      with:
        agent: researcher
        message: ${ "What is " + .topic + "?" }
        model: {temperature: 0}
)";

TEST(AgentCallTest, AValidCallHasNoProblemsAndItsAgentIsFound) {
  EXPECT_THAT(ProblemsOf(WithHeader(kAsk)), IsEmpty());
  absl::StatusOr<WorkflowDocument> document = ParseWorkflowDocument(WithHeader(kAsk));
  ASSERT_TRUE(document.ok()) << document.status();
  EXPECT_THAT(CalledAgents(document->json), ElementsAre("researcher"));
}

TEST(AgentCallTest, TheShapeIsCheckedNamingEachProblem) {
  EXPECT_THAT(ProblemsOf(WithHeader("do:\n  - x:\n      call: agent\n")),
              ElementsAre(Field(&ValidationProblem::pointer, "/do/0/x")));
  EXPECT_THAT(
      ProblemsOf(WithHeader("do:\n  - x:\n      call: agent\n      with: {agent: a}\n")),
      ElementsAre(ValidationProblem{"/do/0/x/with", "missing required property \"message\""}));
  EXPECT_THAT(
      ProblemsOf(WithHeader("do:\n  - x:\n      call: agent\n      with: {agent: '${ .a }', "
                            "message: hi, color: red}\n")),
      ElementsAre(Field(&ValidationProblem::pointer, "/do/0/x/with/color"),
                  ValidationProblem{"/do/0/x/with/agent",
                                    "must be the name of an applied agent, not an expression "
                                    "(stigmer-server resolves it when the execution starts)"}));
}

RuntimeValues WithResearcher() {
  RuntimeValues runtime;
  runtime.workflow_id = "wex-test";
  runtime.agent_task_queue = "agents-q";
  runtime.secrets = {{"KEY", "s3cret"}};
  runtime.agents = {
      {"researcher",
       {{"document", {{"kind", "Agent"}, {"name", "researcher"}, {"model", {{"name", "m"}}}}}}}};
  return runtime;
}

TEST(AgentCallTest, TheAgentRunsAsAChildAndItsResultIsTheTasksOutput) {
  FakeContext context;
  context.results_by_path["/do/0/ask"] =
      durable::ActivityOutcome::Completed({{"answer", "42"}, {"model_calls", 1}});
  absl::StatusOr<RunResult> result =
      Interpret(TestDocument(kAsk), {{"topic", "x"}}, WithResearcher(), context, {});
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->state, RunResult::State::kCompleted);
  EXPECT_EQ(result->output["answer"], "42");
  ASSERT_FALSE(context.calls.empty());
  EXPECT_EQ(context.calls[0].kind, "child:StigmerAgent");
  const json& child = context.calls[0].detail;
  EXPECT_EQ(child["task_queue"], "agents-q");
  EXPECT_EQ(child["input"][0]["model"], json({{"name", "m"}, {"temperature", 0}}));
  EXPECT_EQ(child["input"][1]["message"], "What is x?");
  EXPECT_EQ(child["input"][2]["secrets"]["KEY"], "s3cret");
}

TEST(AgentCallTest, AFailedAgentRunRaisesItsErrorAtTheTask) {
  FakeContext context;
  context.results_by_path["/do/0/ask"] = durable::ActivityOutcome::Failed(
      durable::StandardError("runtime", "Agent failed", "the model refused the key", "/"));
  absl::StatusOr<RunResult> result =
      Interpret(TestDocument(kAsk), {{"topic", "x"}}, WithResearcher(), context, {});
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->state, RunResult::State::kFailed);
  EXPECT_EQ(result->error.title, "Agent failed");
  EXPECT_EQ(result->error.instance, "/do/0/ask");
}

TEST(AgentCallTest, AnAgentTheStartDoesNotCarryIsAClearError) {
  FakeContext context;
  RuntimeValues runtime;
  absl::StatusOr<RunResult> result =
      Interpret(TestDocument(kAsk), {{"topic", "x"}}, runtime, context, {});
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->state, RunResult::State::kFailed);
  EXPECT_THAT(result->error.detail, HasSubstr("does not carry agent \"researcher\""));
}

}  // namespace
}  // namespace stigmer::workflow

// The loop guards through the worker: a run that reaches max_model_calls or repeats one tool
// call max_identical_tool_calls times fails, and its failure (as stigmer-server projects it and
// the user reads it) names the limit.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "agent/agent_runner_suite.h"
#include "agent/builtin_tools.h"
#include "durable/workflow_failure.h"

namespace stigmer::agent {
namespace {

// The error the run failed with; a test failure when it did not fail.
durable::WorkflowError RunFailure(const std::vector<durable::HistoryEvent>& events) {
  if (events.empty() || !events.back().has_workflow_execution_failed_event_attributes()) {
    ADD_FAILURE() << "the run did not fail";
    return {};
  }
  return durable::ErrorFromFailure(
      events.back().workflow_execution_failed_event_attributes().failure());
}

TEST_F(AgentRunnerTest, TooManyModelCallsFailTheRunNamingMaxModelCalls) {
  for (int i = 0; i < 3; ++i) {
    model_.QueueToolCall(absl::StrCat("call_", i), "files",
                         {{"operation", "write"}, {"path", absl::StrCat(i)}, {"content", "x"}});
  }
  nlohmann::json agent = Agent({"files"});
  agent["limits"] = {{"max_model_calls", 2}};
  const durable::WorkflowError error =
      RunFailure(WaitClosed(Start("aex-max-model-calls", agent, "Loop")));
  EXPECT_EQ(error.title, "Agent failed");
  EXPECT_EQ(error.detail,
            "the agent made 2 model calls without a final answer, the most its "
            "limits.max_model_calls allows");
  EXPECT_EQ(model_.request_count(), 2u) << "the call over the limit is not made";
}

TEST_F(AgentRunnerTest, TheSameToolCallRepeatedFailsTheRunNamingMaxIdenticalToolCalls) {
  for (int i = 0; i < 3; ++i) {
    model_.QueueToolCall(absl::StrCat("call_", i), "files",
                         {{"operation", "write"}, {"path", "same.txt"}, {"content", "again"}});
  }
  nlohmann::json agent = Agent({"files"});
  agent["limits"] = {{"max_identical_tool_calls", 2}};
  const auto events = WaitClosed(Start("aex-identical-calls", agent, "Loop"));
  const durable::WorkflowError error = RunFailure(events);
  EXPECT_EQ(error.title, "Agent failed");
  EXPECT_EQ(error.detail,
            "the agent called files with the same arguments 3 times in a row "
            "(limits.max_identical_tool_calls is 2); it is likely stuck in a loop");
  int tool_activities = 0;
  for (const durable::HistoryEvent& event : events) {
    if (event.has_activity_task_scheduled_event_attributes() &&
        event.activity_task_scheduled_event_attributes().activity_type().name() ==
            kFilesToolActivity) {
      ++tool_activities;
    }
  }
  EXPECT_EQ(tool_activities, 2) << "the repeated call over the limit is not made";
}

}  // namespace
}  // namespace stigmer::agent

// Offline replay of an agent run the real dev server recorded (agent_runner_integration_test.cc
// with STIGMER_RECORD_HISTORIES=1): the agent program decides every workflow task again as
// agent-runner did, and an agent changed under an open run is non-determinism naming the step.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "agent/agent_activities.h"
#include "agent/agent_program.h"
#include "agent/builtin_tools.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "temporal/payloads.h"
#include "testing/history_fixtures.h"
#include "testing/replay_check.h"

namespace stigmer::agent {
namespace {

namespace tapi = ::temporal::api;
using tapi::enums::v1::EventType;
using ::testing::HasSubstr;

constexpr char kWorkflowId[] = "aex-two-tools";

durable::WorkflowTaskOptions Options() {
  durable::WorkflowTaskOptions options;
  options.commands.task_queue = "ignored";
  SetAgentActivityAttempts(options.commands);
  return options;
}

AgentProgram Program() { return AgentProgram(AgentProgramOptions{.workspaces_dir = "/nowhere"}); }

std::vector<int64_t> TaskStarts(const std::vector<durable::HistoryEvent>& events) {
  std::vector<int64_t> started;
  for (const durable::HistoryEvent& event : events) {
    if (event.event_type() == EventType::EVENT_TYPE_WORKFLOW_TASK_STARTED) {
      started.push_back(event.event_id());
    }
  }
  return started;
}

// The fixture with its agent document changed by `change`.
std::vector<durable::HistoryEvent> WithAgentChanged(
    const std::function<void(nlohmann::json&)>& change) {
  std::vector<durable::HistoryEvent> events = testing::LoadHistoryFixture("agent_two_tools");
  if (events.empty()) return events;
  auto* input = events[0].mutable_workflow_execution_started_event_attributes()->mutable_input();
  auto agent = temporal::DecodeJsonPayloadAt(*input);
  EXPECT_TRUE(agent.ok()) << agent.status();
  if (!agent.ok()) return {};
  change(*agent);
  *input->mutable_payloads(0) = temporal::JsonPayload(*agent);
  return events;
}

// The attempts each activity type is scheduled with when every task of `events` is decided.
std::map<std::string, int> AttemptsByActivityType(
    const std::vector<durable::HistoryEvent>& events) {
  AgentProgram program = Program();
  std::map<std::string, int> attempts;
  for (int64_t started : TaskStarts(events)) {
    for (const durable::Command& command :
         durable::ProcessWorkflowTask(events, kWorkflowId, started, Options(), program).commands) {
      if (!command.has_schedule_activity_task_command_attributes()) continue;
      const auto& scheduled = command.schedule_activity_task_command_attributes();
      attempts[scheduled.activity_type().name()] = scheduled.retry_policy().maximum_attempts();
    }
  }
  return attempts;
}

TEST(AgentReplayTest, RecordedTwoToolRunDecidesTheRecordedCommands) {
  const std::vector<durable::HistoryEvent> events = testing::LoadHistoryFixture("agent_two_tools");
  ASSERT_FALSE(events.empty());
  AgentProgram program = Program();
  // The user's message, three model calls, two tools and the answer: at least four tasks.
  EXPECT_GE(testing::ExpectEveryTaskDecidedAgain(events, kWorkflowId, Options(), program), 4);
}

TEST(AgentReplayTest, ToolsGetOneAttemptAndModelCallsTheDefault) {
  std::map<std::string, int> attempts =
      AttemptsByActivityType(testing::LoadHistoryFixture("agent_two_tools"));
  EXPECT_EQ(attempts[kShellToolActivity], 1);
  EXPECT_EQ(attempts[kFilesToolActivity], 1);
  EXPECT_EQ(attempts[kModelActivity], durable::CommandOptions{}.activity_max_attempts);
}

TEST(AgentReplayTest, AnAgentsToolAttemptsApplyToItsToolsAndTheRecordedRunStillReplays) {
  const std::vector<durable::HistoryEvent> events = WithAgentChanged([](nlohmann::json& agent) {
    agent["limits"] = {{"tool_attempts", 3}};
  });
  ASSERT_FALSE(events.empty());
  AgentProgram program = Program();
  EXPECT_GE(testing::ExpectEveryTaskDecidedAgain(events, kWorkflowId, Options(), program), 4);
  std::map<std::string, int> attempts = AttemptsByActivityType(events);
  EXPECT_EQ(attempts[kShellToolActivity], 3);
  EXPECT_EQ(attempts[kFilesToolActivity], 3);
  EXPECT_EQ(attempts[kModelActivity], durable::CommandOptions{}.activity_max_attempts);
}

TEST(AgentReplayTest, ToolRemovedFromTheAgentUnderAnOpenRunIsNonDeterminismNamingTheStep) {
  // shell, which the run called first, is gone.
  const std::vector<durable::HistoryEvent> events =
      WithAgentChanged([](nlohmann::json& agent) { agent["tools"] = {"files"}; });
  ASSERT_FALSE(events.empty());
  AgentProgram program = Program();
  const durable::WorkflowTaskAnswer answer = durable::ProcessWorkflowTask(
      events, kWorkflowId, TaskStarts(events).back(), Options(), program);
  EXPECT_FALSE(answer.completed);
  EXPECT_EQ(answer.cause, tapi::enums::v1::WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR);
  EXPECT_THAT(answer.message, HasSubstr("non-deterministic workflow"));
  EXPECT_THAT(answer.message, HasSubstr("history holds activity /turns/1/tools/call_1"));
  EXPECT_THAT(answer.message, HasSubstr("which the workflow no longer reaches"));
}

}  // namespace
}  // namespace stigmer::agent

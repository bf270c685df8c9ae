// Offline replay of histories the real dev server recorded (workflow_runner_integration_test.cc
// with STIGMER_RECORD_HISTORIES=1): deciding every workflow task of a recorded run again gives
// exactly the commands Temporal recorded, and a changed definition is non-determinism.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "activities/activity_kinds.h"
#include "durable/workflow_task_processor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "temporal/payloads.h"
#include "testing/history_fixtures.h"
#include "testing/replay_check.h"
#include "workflow/serverless_program.h"

namespace stigmer::workflow {
namespace {

namespace tapi = ::temporal::api;
using tapi::enums::v1::EventType;
using ::testing::HasSubstr;

std::vector<durable::HistoryEvent> LoadHistory(const std::string& name) {
  return testing::LoadHistoryFixture(absl::StrCat("workflow_", name));
}

durable::WorkflowTaskOptions Options() {
  durable::WorkflowTaskOptions options;
  options.commands.task_queue = "ignored";
  return options;
}

// Decides every completed workflow task of fixture `name` again (replay_check.h).
void ExpectReplayMatches(const std::string& name,
                         const durable::WorkflowTaskOptions& options = Options()) {
  const std::vector<durable::HistoryEvent> events = LoadHistory(name);
  ASSERT_FALSE(events.empty());
  ServerlessProgram program;
  EXPECT_GT(
      testing::ExpectEveryTaskDecidedAgain(events, absl::StrCat("wex-", name), options, program), 0)
      << name;
}

TEST(ReplayTest, PureWorkflowDecidesTheRecordedCommands) { ExpectReplayMatches("pure"); }
TEST(ReplayTest, ShellAndTimerWorkflowDecidesTheRecordedCommands) {
  ExpectReplayMatches("shell_wait");
}
// Histories recorded before activities had a queue and a timeout per kind replay unchanged:
// neither is compared.
TEST(ReplayTest, QueuesAndTimeoutsPerActivityKindKeepOldHistoriesValid) {
  durable::WorkflowTaskOptions options = Options();
  activities::ActivityLimits limits;
  limits.shell_timeout = absl::Seconds(7);
  activities::ScheduleActivitiesByKind("stigmer-workflows", limits, options.commands);
  ExpectReplayMatches("shell_wait", options);
}
TEST(ReplayTest, FailedWorkflowDecidesTheRecordedCommands) { ExpectReplayMatches("raise"); }

// The last workflow task of `events` decided with the document changed by `change`.
durable::WorkflowTaskAnswer ReplayChanged(std::vector<durable::HistoryEvent> events,
                                          const std::function<void(nlohmann::json&)>& change) {
  auto* input = events[0].mutable_workflow_execution_started_event_attributes()->mutable_input();
  auto document = temporal::DecodeJsonPayloadAt(*input);
  EXPECT_TRUE(document.ok());
  change(*document);
  *input->mutable_payloads(0) = temporal::JsonPayload(*document);
  int64_t last_started = 0;
  for (const durable::HistoryEvent& event : events) {
    if (event.event_type() == EventType::EVENT_TYPE_WORKFLOW_TASK_STARTED) {
      last_started = event.event_id();
    }
  }
  ServerlessProgram program;
  return durable::ProcessWorkflowTask(events, "wex-changed", last_started, Options(), program);
}

TEST(ReplayTest, RenamedTaskIsNonDeterminism) {
  const durable::WorkflowTaskAnswer answer =
      ReplayChanged(LoadHistory("shell_wait"), [](nlohmann::json& doc) {
        doc["do"][0] = {{"nap", doc["do"][0]["pause"]}};
      });
  EXPECT_FALSE(answer.completed);
  EXPECT_EQ(answer.cause, tapi::enums::v1::WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR);
  EXPECT_THAT(answer.message, HasSubstr("non-deterministic workflow"));
  EXPECT_THAT(answer.message, HasSubstr("history holds timer /do/0/pause#1"));
}

TEST(ReplayTest, ChangedActivityKindIsNonDeterminism) {
  const durable::WorkflowTaskAnswer answer =
      ReplayChanged(LoadHistory("shell_wait"), [](nlohmann::json& doc) {
        doc["do"][1]["greet"] = {{"call", "http"},
                                 {"with", {{"method", "get"}, {"endpoint", "http://x"}}}};
      });
  EXPECT_FALSE(answer.completed);
  EXPECT_EQ(answer.cause, tapi::enums::v1::WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR);
  EXPECT_THAT(answer.message,
              HasSubstr("step /do/1/greet#1 is a \"shell\" activity in history, the workflow "
                        "now runs \"http\""));
}

TEST(ReplayTest, ContinuedRunCarriesTheStepsOfTheEarlierOne) {
  const std::vector<durable::HistoryEvent> events = LoadHistory("shell_wait");
  // The second workflow task: the timer has fired and the run asks for the shell activity.
  std::vector<int64_t> started;
  for (const durable::HistoryEvent& event : events) {
    if (event.event_type() == EventType::EVENT_TYPE_WORKFLOW_TASK_STARTED) {
      started.push_back(event.event_id());
    }
  }
  ASSERT_GE(started.size(), 2u);
  durable::WorkflowTaskOptions options = Options();
  options.continue_as_new_events = 1;
  ServerlessProgram program;
  const durable::WorkflowTaskAnswer answer =
      durable::ProcessWorkflowTask(events, "wex-long", started[1], options, program);
  ASSERT_TRUE(answer.completed) << answer.message;
  ASSERT_EQ(answer.commands.size(), 1u);
  const auto& next = answer.commands[0].continue_as_new_workflow_execution_command_attributes();
  ASSERT_EQ(next.input().payloads_size(), 4);
  auto carried = temporal::DecodeJsonPayloadAt(next.input(), 3);
  ASSERT_TRUE(carried.ok());
  EXPECT_THAT(carried->dump(), HasSubstr(R"({"at":1,"id":"/do/0/pause#1","kind":"timer"})"));

  // The new run: it records the pause's marker (the earlier run's last task did not send it)
  // and asks for the shell activity again, but not for the timer.
  durable::HistoryEvent start = events[0];
  *start.mutable_workflow_execution_started_event_attributes()->mutable_input() = next.input();
  durable::HistoryEvent scheduled;
  scheduled.set_event_id(2);
  scheduled.set_event_type(EventType::EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
  durable::HistoryEvent task;
  task.set_event_id(3);
  task.set_event_type(EventType::EVENT_TYPE_WORKFLOW_TASK_STARTED);
  const durable::WorkflowTaskAnswer continued =
      durable::ProcessWorkflowTask({start, scheduled, task}, "wex-long", 3, Options(), program);
  ASSERT_TRUE(continued.completed) << continued.message;
  std::vector<std::string> decided;
  for (const durable::Command& command : continued.commands)
    decided.push_back(testing::DescribeCommand(command));
  EXPECT_THAT(decided, ::testing::ElementsAre(HasSubstr(R"("step":"/do/0/pause#1")"),
                                              "activity /do/1/greet#1"));
}

TEST(ReplayTest, CancelRequestInHistoryCancelsTheRun) {
  std::vector<durable::HistoryEvent> events = LoadHistory("shell_wait");
  // Cut the history after the first workflow task and add a cancel request and a new task.
  size_t cut = 0;
  while (cut < events.size() &&
         events[cut].event_type() != EventType::EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
    ++cut;
  }
  ASSERT_LT(cut, events.size());
  events.resize(cut + 1);
  int64_t next = events.back().event_id() + 1;
  durable::HistoryEvent cancel;
  cancel.set_event_id(next++);
  cancel.set_event_type(EventType::EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
  cancel.mutable_workflow_execution_cancel_requested_event_attributes()->set_cause("stop");
  events.push_back(cancel);
  durable::HistoryEvent started;
  started.set_event_id(next);
  started.set_event_type(EventType::EVENT_TYPE_WORKFLOW_TASK_STARTED);
  events.push_back(started);
  ServerlessProgram program;
  const durable::WorkflowTaskAnswer answer =
      durable::ProcessWorkflowTask(events, "wex-cancel", started.event_id(), Options(), program);
  ASSERT_TRUE(answer.completed);
  // The wait in progress is recorded as cancelled (it used to leave no record), then the run
  // is cancelled.
  ASSERT_EQ(answer.commands.size(), 2u);
  ASSERT_EQ(answer.commands[0].command_type(), tapi::enums::v1::COMMAND_TYPE_RECORD_MARKER);
  EXPECT_THAT(testing::DescribeCommand(answer.commands[0]), HasSubstr(R"("path":"/do/0/pause")"));
  EXPECT_TRUE(
      answer.commands[0].record_marker_command_attributes().failure().has_canceled_failure_info());
  EXPECT_EQ(answer.commands[1].command_type(),
            tapi::enums::v1::COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION);
}

TEST(ReplayTest, HistoryOverTheLimitFailsTheRunWithAClearError) {
  std::vector<durable::HistoryEvent> events = LoadHistory("pure");
  durable::WorkflowTaskOptions options = Options();
  options.max_history_events = 3;
  ServerlessProgram program;
  const durable::WorkflowTaskAnswer answer =
      durable::ProcessWorkflowTask(events, "wex-long", events[2].event_id(), options, program);
  ASSERT_TRUE(answer.completed);
  ASSERT_EQ(answer.commands.size(), 1u);
  EXPECT_THAT(testing::DescribeCommand(answer.commands[0]), HasSubstr("History limit reached"));
  EXPECT_THAT(testing::DescribeCommand(answer.commands[0]), HasSubstr("the most allowed (3)"));
}

}  // namespace
}  // namespace stigmer::workflow

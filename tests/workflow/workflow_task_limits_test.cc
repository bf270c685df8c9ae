// Limits met while deciding a workflow task: what one task sends stays within what Temporal
// records in one transaction, so a run ends with its own result or error rather than Temporal's
// "Transaction size exceeds limit"; and no duration, however large, aborts the worker.

#include <string>
#include <vector>

#include "durable/command_budget.h"
#include "durable/replay_context.h"
#include "durable/workflow_task_processor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "temporal/payloads.h"
#include "testing/history_fixtures.h"
#include "workflow/dsl_duration.h"
#include "workflow/serverless_program.h"

namespace stigmer::workflow {
namespace {

namespace tapi = ::temporal::api;
using tapi::enums::v1::EventType;
using ::testing::HasSubstr;

// The first workflow task of a new run of `document` (JSON) with `input`.
std::vector<durable::HistoryEvent> NewRun(const nlohmann::json& document,
                                          const nlohmann::json& input) {
  durable::HistoryEvent start = testing::LoadHistoryFixture("workflow_pure").at(0);
  *start.mutable_workflow_execution_started_event_attributes()->mutable_input() =
      temporal::JsonPayloads({document, input, nlohmann::json::object()});
  durable::HistoryEvent scheduled;
  scheduled.set_event_id(2);
  scheduled.set_event_type(EventType::EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
  durable::HistoryEvent started;
  started.set_event_id(3);
  started.set_event_type(EventType::EVENT_TYPE_WORKFLOW_TASK_STARTED);
  return {start, scheduled, started};
}

nlohmann::json Document(nlohmann::json tasks) {
  return {{"document",
           {{"dsl", "1.0.0"}, {"namespace", "test"}, {"name", "budget"}, {"version", "1.0.0"}}},
          {"do", std::move(tasks)}};
}

durable::WorkflowTaskAnswer Decide(const std::vector<durable::HistoryEvent>& events) {
  ServerlessProgram program;
  return durable::ProcessWorkflowTask(events, "wex-budget", 3, durable::WorkflowTaskOptions(),
                                      program);
}

std::string FailureDetail(const durable::Command& command) {
  EXPECT_EQ(command.command_type(), tapi::enums::v1::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION);
  return command.fail_workflow_execution_command_attributes()
      .failure()
      .application_failure_info()
      .details()
      .payloads(0)
      .data();
}

// Two tasks per turn, each recording some data: 10,000 turns (STIGMER_MAX_ITERATIONS' default)
// are far more than Temporal records at once.
TEST(CommandBudgetTest, BackwardThenLoopFailsWithIterationLimit) {
  const nlohmann::json tasks = {
      {{"grow", {{"set", {{"pad", std::string(300, 'x')}}}}}},
      {{"spin", {{"set", {{"n", 1}, {"pad", "${ .pad }"}}}, {"then", "grow"}}}}};
  const durable::WorkflowTaskAnswer answer =
      Decide(NewRun(Document(tasks), nlohmann::json::object()));
  ASSERT_TRUE(answer.completed) << answer.message;
  ASSERT_FALSE(answer.commands.empty());
  const std::string detail = FailureDetail(answer.commands.back());
  EXPECT_THAT(detail, HasSubstr("Iteration limit reached"));
  EXPECT_THAT(detail, HasSubstr("jumped back more than 10000 times (then: grow)"));
  EXPECT_LE(durable::CommandBytes(answer.commands), durable::kMaxWorkflowTaskCommandBytes);
  EXPECT_GT(answer.commands.size(), 1000u);  // the progress that fits is still recorded
  EXPECT_EQ(answer.commands.front().command_type(), tapi::enums::v1::COMMAND_TYPE_RECORD_MARKER);
}

TEST(CommandBudgetTest, RunThatWaitsAfterRecordingTooMuchFailsWithAClearError) {
  const nlohmann::json tasks = {
      {{"many",
        {{"for", {{"in", "${ [range(3000)] }"}}},
         {"do", {{{"pad", {{"set", {{"pad", std::string(1000, 'y')}}}}}}}}}}},
      {{"pause", {{"wait", "PT1S"}}}}};
  const durable::WorkflowTaskAnswer answer =
      Decide(NewRun(Document(tasks), nlohmann::json::object()));
  ASSERT_TRUE(answer.completed) << answer.message;
  ASSERT_EQ(answer.commands.size(), 1u);
  const std::string detail = FailureDetail(answer.commands[0]);
  EXPECT_THAT(detail, HasSubstr("Workflow task too large"));
  EXPECT_THAT(detail, HasSubstr("more than the 2 MiB one workflow task may send to Temporal"));
}

TEST(CommandBudgetTest, ARunWithinTheBudgetKeepsEveryCommand) {
  const nlohmann::json tasks = {{{"one", {{"set", {{"a", 1}}}}}}, {{"two", {{"set", {{"b", 2}}}}}}};
  const durable::WorkflowTaskAnswer answer =
      Decide(NewRun(Document(tasks), nlohmann::json::object()));
  ASSERT_TRUE(answer.completed) << answer.message;
  ASSERT_EQ(answer.commands.size(), 3u);  // two markers and the completion
  EXPECT_EQ(answer.commands[2].command_type(),
            tapi::enums::v1::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION);
}

durable::Command Marker(size_t bytes) {
  durable::Command command;
  command.set_command_type(tapi::enums::v1::COMMAND_TYPE_RECORD_MARKER);
  command.mutable_record_marker_command_attributes()->set_marker_name(std::string(bytes, 'm'));
  return command;
}

TEST(CommandBudgetTest, DropsTheLatestMarkersAndNothingElse) {
  durable::Command timer;
  timer.set_command_type(tapi::enums::v1::COMMAND_TYPE_START_TIMER);
  timer.mutable_start_timer_command_attributes()->set_timer_id("t");
  durable::Command fail;
  fail.set_command_type(tapi::enums::v1::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION);
  std::vector<durable::Command> commands = {Marker(100), timer, Marker(101), Marker(102), fail};
  const size_t budget = durable::CommandBytes({commands[0], timer, fail});
  EXPECT_EQ(durable::DropMarkersToFit(commands, budget, 100), 2u);
  ASSERT_EQ(commands.size(), 3u);
  EXPECT_EQ(commands[0].record_marker_command_attributes().marker_name().size(), 100u);
  EXPECT_EQ(commands[1].command_type(), tapi::enums::v1::COMMAND_TYPE_START_TIMER);
  EXPECT_EQ(commands[2].command_type(), tapi::enums::v1::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION);

  std::vector<durable::Command> many = {Marker(1), Marker(1), Marker(1), fail};
  EXPECT_EQ(durable::DropMarkersToFit(many, 1 << 20, 2), 2u);
  EXPECT_EQ(many.size(), 2u);
  EXPECT_EQ(durable::DropMarkersToFit(many, 1 << 20, 2), 0u);
}

// A document stored before durations were bounded at apply reaches the worker: its run fails
// with the validation error instead of a protobuf CHECK aborting workflow-runner.
TEST(DurationAtRunTimeTest, StoredWaitOver100YearsFailsTheRunNotTheWorker) {
  const nlohmann::json tasks = {{{"pause", {{"wait", {{"days", 36500000}}}}}}};
  const durable::WorkflowTaskAnswer answer =
      Decide(NewRun(Document(tasks), nlohmann::json::object()));
  ASSERT_TRUE(answer.completed) << answer.message;
  ASSERT_EQ(answer.commands.size(), 1u);
  EXPECT_THAT(FailureDetail(answer.commands[0]),
              HasSubstr("/do/0/pause/wait: the duration is longer than 100 years"));
}

TEST(DurationAtRunTimeTest, ATimerIsNeverLongerThanTheLongestDuration) {
  const std::vector<durable::HistoryEvent> events =
      NewRun(Document({{{"a", {{"set", {{"a", 1}}}}}}}), nlohmann::json::object());
  absl::StatusOr<durable::ReplayHistory> history = durable::ReplayHistory::Index(events, 3);
  ASSERT_TRUE(history.ok()) << history.status();
  durable::ReplayContext context(*history, durable::CommandOptions());
  ASSERT_FALSE(*context.Sleep("/do/0/w", absl::Hours(24) * 36500000));
  const std::vector<durable::Command> commands = context.TakeCommands();
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0].start_timer_command_attributes().start_to_fire_timeout().seconds(),
            absl::ToInt64Seconds(kMaxDslDuration));
}

}  // namespace
}  // namespace stigmer::workflow

// Which workflow tasks a worker does not report to stigmer-server: those that leave everything
// an execution's record shows as it was (tests/server/execution_projection_test.cc holds the
// other half: the record after such events).

#include "durable/quiet_workflow_task.h"

#include <vector>

#include "durable/testing_history_builder.h"
#include "gtest/gtest.h"

namespace stigmer::durable {
namespace {

namespace enums = ::temporal::api::enums::v1;

Command OfType(enums::CommandType type) {
  Command command;
  command.set_command_type(type);
  return command;
}

// A run's first task: its start and the task, nothing completed yet.
std::vector<HistoryEvent> FirstTask() {
  HistoryBuilder builder;
  std::vector<HistoryEvent> events = builder.events();
  events.pop_back();  // the builder's first task is completed; this one is in progress
  return events;
}

TEST(QuietWorkflowTaskTest, AFirstTaskThatStartsATimerIsQuiet) {
  EXPECT_TRUE(IsQuietWorkflowTask(FirstTask(), {OfType(enums::COMMAND_TYPE_START_TIMER)}));
  EXPECT_TRUE(IsQuietWorkflowTask(FirstTask(), {}));
}

TEST(QuietWorkflowTaskTest, ACommandARecordShowsIsNotQuiet) {
  for (const enums::CommandType type :
       {enums::COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK, enums::COMMAND_TYPE_RECORD_MARKER,
        enums::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
        enums::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION,
        enums::COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION,
        enums::COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION}) {
    EXPECT_FALSE(
        IsQuietWorkflowTask(FirstTask(), {OfType(enums::COMMAND_TYPE_START_TIMER), OfType(type)}))
        << enums::CommandType_Name(type);
  }
}

TEST(QuietWorkflowTaskTest, ATimerThatFiredIsQuietASignalIsNot) {
  HistoryBuilder timer;
  timer.ChildEvent(enums::EVENT_TYPE_TIMER_STARTED, [](HistoryEvent&) {})
      .ChildEvent(enums::EVENT_TYPE_TIMER_FIRED, [](HistoryEvent&) {})
      .Current();
  EXPECT_TRUE(IsQuietWorkflowTask(timer.events(), {OfType(enums::COMMAND_TYPE_START_TIMER)}));

  HistoryBuilder signalled;
  signalled.Signal("approve", {{"ok", true}}).Current();
  EXPECT_FALSE(IsQuietWorkflowTask(signalled.events(), {}));
}

TEST(QuietWorkflowTaskTest, OnlyEventsSinceThePreviousCompletedTaskCount) {
  // The signal came before the previous task, which reported it.
  HistoryBuilder builder;
  builder.Signal("approve", {{"ok", true}}).Task().Current();
  EXPECT_TRUE(IsQuietWorkflowTask(builder.events(), {}));
}

}  // namespace
}  // namespace stigmer::durable

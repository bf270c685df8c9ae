#include "testing/replay_check.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace stigmer::testing {

namespace tapi = ::temporal::api;
using tapi::enums::v1::EventType;

std::string DescribeCommand(const durable::Command& command) {
  switch (command.command_type()) {
    case tapi::enums::v1::COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK:
      return absl::StrCat("activity ",
                          command.schedule_activity_task_command_attributes().activity_id());
    case tapi::enums::v1::COMMAND_TYPE_START_TIMER:
      return absl::StrCat("timer ", command.start_timer_command_attributes().timer_id());
    case tapi::enums::v1::COMMAND_TYPE_RECORD_MARKER:
      return absl::StrCat(
          "marker ",
          command.record_marker_command_attributes().details().at("task").payloads(0).data());
    case tapi::enums::v1::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION:
      return absl::StrCat(
          "complete ",
          command.complete_workflow_execution_command_attributes().result().payloads(0).data());
    case tapi::enums::v1::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION:
      return absl::StrCat("fail ", command.fail_workflow_execution_command_attributes()
                                       .failure()
                                       .application_failure_info()
                                       .details()
                                       .payloads(0)
                                       .data());
    default:
      return absl::StrCat("command ", static_cast<int>(command.command_type()));
  }
}

std::string DescribeEvent(const durable::HistoryEvent& event) {
  switch (event.event_type()) {
    case EventType::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
      return absl::StrCat("activity ",
                          event.activity_task_scheduled_event_attributes().activity_id());
    case EventType::EVENT_TYPE_TIMER_STARTED:
      return absl::StrCat("timer ", event.timer_started_event_attributes().timer_id());
    case EventType::EVENT_TYPE_MARKER_RECORDED:
      return absl::StrCat(
          "marker ",
          event.marker_recorded_event_attributes().details().at("task").payloads(0).data());
    case EventType::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
      return absl::StrCat(
          "complete ",
          event.workflow_execution_completed_event_attributes().result().payloads(0).data());
    case EventType::EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
      return absl::StrCat("fail ", event.workflow_execution_failed_event_attributes()
                                       .failure()
                                       .application_failure_info()
                                       .details()
                                       .payloads(0)
                                       .data());
    default:
      return "";
  }
}

int ExpectEveryTaskDecidedAgain(const std::vector<durable::HistoryEvent>& events,
                                const std::string& workflow_id,
                                const durable::WorkflowTaskOptions& options,
                                durable::Program& program) {
  int tasks = 0;
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    if (events[i].event_type() != EventType::EVENT_TYPE_WORKFLOW_TASK_STARTED ||
        events[i + 1].event_type() != EventType::EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
      continue;
    }
    ++tasks;
    std::vector<std::string> recorded;
    for (size_t j = i + 2; j < events.size(); ++j) {
      const std::string described = DescribeEvent(events[j]);
      if (described.empty()) break;
      recorded.push_back(described);
    }
    const durable::WorkflowTaskAnswer answer =
        durable::ProcessWorkflowTask(events, workflow_id, events[i].event_id(), options, program);
    EXPECT_TRUE(answer.completed) << workflow_id << ", task started at event "
                                  << events[i].event_id() << ": " << answer.message;
    std::vector<std::string> decided;
    for (const durable::Command& command : answer.commands) {
      decided.push_back(DescribeCommand(command));
    }
    EXPECT_EQ(decided, recorded) << workflow_id << ", task started at event "
                                 << events[i].event_id();
  }
  return tasks;
}

}  // namespace stigmer::testing

#include "durable/quiet_workflow_task.h"

#include <algorithm>

namespace stigmer::durable {
namespace {

namespace enums = ::temporal::api::enums::v1;

bool IsQuietEvent(const HistoryEvent& event) {
  switch (event.event_type()) {
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
      // The run's own start: the record has it from Create, or from the read that recorded the
      // run; a start anywhere else is not one.
      return event.event_id() == 1;
    case enums::EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
    case enums::EVENT_TYPE_WORKFLOW_TASK_STARTED:
    case enums::EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
    case enums::EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
    case enums::EVENT_TYPE_WORKFLOW_TASK_FAILED:
    case enums::EVENT_TYPE_TIMER_STARTED:
    case enums::EVENT_TYPE_TIMER_FIRED:
    case enums::EVENT_TYPE_TIMER_CANCELED:
      return true;
    default:
      return false;
  }
}

bool IsQuietCommand(enums::CommandType type) {
  return type == enums::COMMAND_TYPE_START_TIMER || type == enums::COMMAND_TYPE_CANCEL_TIMER;
}

}  // namespace

bool IsQuietWorkflowTask(const std::vector<HistoryEvent>& events,
                         const std::vector<Command>& commands) {
  const auto previous = std::find_if(events.rbegin(), events.rend(), [](const HistoryEvent& event) {
    return event.event_type() == enums::EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
  });
  const bool quiet_events = std::all_of(
      events.rbegin(), previous, [](const HistoryEvent& event) { return IsQuietEvent(event); });
  return quiet_events && std::all_of(commands.begin(), commands.end(), [](const Command& command) {
           return IsQuietCommand(command.command_type());
         });
}

}  // namespace stigmer::durable

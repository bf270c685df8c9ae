#include "temporal/task_handlers.h"

#include "spdlog/spdlog.h"

namespace stigmer::temporal {

namespace wfs = ::temporal::api::workflowservice::v1;

void LoggingWorkflowTaskHandler::HandleWorkflowTask(
    const wfs::PollWorkflowTaskQueueResponse& task) {
  spdlog::info(
      "workflow task (type {}, workflow id {}, run id {}): no executor yet, left unanswered",
      task.workflow_type().name(), task.workflow_execution().workflow_id(),
      task.workflow_execution().run_id());
}

void LoggingActivityTaskHandler::HandleActivityTask(
    const wfs::PollActivityTaskQueueResponse& task) {
  spdlog::info("activity task {} (type {}, workflow id {}): no executor yet, left unanswered",
               task.activity_id(), task.activity_type().name(),
               task.workflow_execution().workflow_id());
}

}  // namespace stigmer::temporal

#include "durable/child_workflow.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "durable/replay_history.h"
#include "durable/workflow_failure.h"
#include "temporal/api/enums/v1/failed_cause.pb.h"
#include "temporal/payloads.h"

namespace stigmer::durable {

namespace tapi = ::temporal::api;
using tapi::enums::v1::EventType;

std::string ChildWorkflowId(const std::string& parent_id, const std::string& step_id) {
  return absl::StrCat(parent_id, step_id);
}

tapi::command::v1::Command StartChildCommand(const std::string& workflow_id,
                                             const ChildWorkflow& child) {
  tapi::command::v1::Command command;
  command.set_command_type(tapi::enums::v1::COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION);
  auto* start = command.mutable_start_child_workflow_execution_command_attributes();
  start->set_workflow_id(workflow_id);
  start->mutable_workflow_type()->set_name(child.workflow_type);
  start->mutable_task_queue()->set_name(child.task_queue);
  start->mutable_task_queue()->set_kind(tapi::enums::v1::TASK_QUEUE_KIND_NORMAL);
  *start->mutable_input() = temporal::JsonPayloads(child.input);
  start->set_parent_close_policy(child.await_result
                                     ? tapi::enums::v1::PARENT_CLOSE_POLICY_REQUEST_CANCEL
                                     : tapi::enums::v1::PARENT_CLOSE_POLICY_ABANDON);
  start->set_workflow_id_reuse_policy(tapi::enums::v1::WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE);
  start->mutable_retry_policy()->set_maximum_attempts(1);
  return command;
}

tapi::command::v1::Command RequestCancelChildCommand(const std::string& workflow_id,
                                                     const std::string& run_id) {
  tapi::command::v1::Command command;
  command.set_command_type(
      tapi::enums::v1::COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION);
  auto* cancel = command.mutable_request_cancel_external_workflow_execution_command_attributes();
  cancel->set_workflow_id(workflow_id);
  cancel->set_run_id(run_id);
  cancel->set_child_workflow_only(true);
  cancel->set_reason("the parent workflow stopped waiting for it");
  return command;
}

absl::StatusOr<bool> ReplayHistory::AddChildEvent(const HistoryEvent& event) {
  // The child an event about an initiated start is about; null when history holds no such start.
  auto child = [this](int64_t initiated_event_id) -> RecordedStep* {
    auto id = child_by_event_.find(initiated_event_id);
    return id == child_by_event_.end() ? nullptr : &children_[id->second];
  };
  auto fail = [](RecordedStep* step, WorkflowError error, int64_t event_id) {
    if (step == nullptr) return;
    step->error = std::move(error);
    step->state = RecordedStep::State::kFailed;
    step->observed_at = event_id;  // resolved by Index()
  };
  switch (event.event_type()) {
    case EventType::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED: {
      const auto& attributes = event.start_child_workflow_execution_initiated_event_attributes();
      RecordedStep step;
      step.kind = RecordedStep::Kind::kChild;
      step.id = attributes.workflow_id();
      step.activity_type = attributes.workflow_type().name();
      step.event_id = event.event_id();
      child_by_event_[event.event_id()] = step.id;
      children_[step.id] = std::move(step);
      return true;
    }
    case EventType::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED: {
      const auto& attributes = event.start_child_workflow_execution_failed_event_attributes();
      fail(child(attributes.initiated_event_id()),
           StandardError("runtime", "Child workflow not started",
                         absl::StrCat("Temporal refused to start child workflow ",
                                      attributes.workflow_id(), ": ",
                                      tapi::enums::v1::StartChildWorkflowExecutionFailedCause_Name(
                                          attributes.cause())),
                         ""),
           event.event_id());
      return true;
    }
    case EventType::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED: {
      const auto& attributes = event.child_workflow_execution_started_event_attributes();
      if (RecordedStep* step = child(attributes.initiated_event_id())) {
        step->child_run_id = attributes.workflow_execution().run_id();
      }
      return true;
    }
    case EventType::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED: {
      const auto& attributes = event.child_workflow_execution_completed_event_attributes();
      RecordedStep* step = child(attributes.initiated_event_id());
      if (step == nullptr) return true;
      nlohmann::json output;
      if (attributes.result().payloads_size() > 0) {
        absl::StatusOr<nlohmann::json> result = temporal::DecodeJsonPayloadAt(attributes.result());
        if (!result.ok()) {
          return absl::InvalidArgumentError(
              absl::StrCat("the result of child workflow ", step->id,
                           " cannot be read: ", result.status().message()));
        }
        output = *std::move(result);
      }
      step->output = std::move(output);
      step->state = RecordedStep::State::kCompleted;
      step->observed_at = event.event_id();
      return true;
    }
    case EventType::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED: {
      const auto& attributes = event.child_workflow_execution_failed_event_attributes();
      // The failure wraps the child's own (ChildWorkflowExecutionFailureInfo, its cause).
      const auto& failure =
          attributes.failure().has_cause() ? attributes.failure().cause() : attributes.failure();
      fail(child(attributes.initiated_event_id()), ErrorFromFailure(failure), event.event_id());
      return true;
    }
    case EventType::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED:
      fail(child(event.child_workflow_execution_canceled_event_attributes().initiated_event_id()),
           StandardError("runtime", "Task cancelled", "the child workflow was cancelled", ""),
           event.event_id());
      return true;
    case EventType::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT:
      fail(child(event.child_workflow_execution_timed_out_event_attributes().initiated_event_id()),
           StandardError("timeout", "Task timed out", "the child workflow timed out", ""),
           event.event_id());
      return true;
    case EventType::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED:
      fail(child(event.child_workflow_execution_terminated_event_attributes().initiated_event_id()),
           StandardError("runtime", "Child workflow terminated",
                         "the child workflow was terminated before it ended", ""),
           event.event_id());
      return true;
    case EventType::EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED: {
      const auto& attributes =
          event.request_cancel_external_workflow_execution_initiated_event_attributes();
      auto step = children_.find(attributes.workflow_execution().workflow_id());
      if (step != children_.end()) step->second.cancel_requested = true;
      return true;
    }
    default:
      return false;
  }
}

}  // namespace stigmer::durable

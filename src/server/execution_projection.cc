#include "server/execution_projection.h"

#include <utility>

#include "absl/strings/match.h"
#include "common/json_fields.h"
#include "google/protobuf/util/time_util.h"
#include "nlohmann/json.hpp"
#include "server/approval_projection.h"
#include "temporal/payloads.h"

namespace stigmer::server {

namespace {

namespace enums = ::temporal::api::enums::v1;
using google::protobuf::util::TimeUtil;
using stigmer::v1::Execution;
using stigmer::v1::ProblemDetails;
using stigmer::v1::TaskProgress;

// The JSON object the first payload of `payloads` holds; an empty object otherwise.
nlohmann::json FirstObject(const ::temporal::api::common::v1::Payloads& payloads) {
  absl::StatusOr<nlohmann::json> value = temporal::DecodeJsonPayloadAt(payloads, 0);
  if (!value.ok() || !value->is_object()) return nlohmann::json::object();
  return *std::move(value);
}

// Sets `*timestamp` from the integer `object[key]` (ms since the epoch); false if absent.
bool SetMillisField(const nlohmann::json& object, const char* key,
                    google::protobuf::Timestamp* timestamp) {
  const auto found = object.find(key);
  if (found == object.end() || !found->is_number_integer()) return false;
  *timestamp = TimeUtil::MillisecondsToTimestamp(found->get<int64_t>());
  return true;
}

}  // namespace

int StandardErrorStatus(const std::string& type) {
  const std::string kind = absl::StartsWith(type, kDslErrorTypePrefix)
                               ? type.substr(sizeof(kDslErrorTypePrefix) - 1)
                               : "";
  if (kind == "configuration" || kind == "validation" || kind == "expression") return 400;
  if (kind == "authentication") return 401;
  if (kind == "authorization") return 403;
  if (kind == "timeout") return 408;
  return 500;
}

ProblemDetails ProblemFromFailure(const ::temporal::api::failure::v1::Failure& failure) {
  ProblemDetails problem;
  const std::string& type = failure.application_failure_info().type();
  const nlohmann::json details = FirstObject(failure.application_failure_info().details());
  const std::string detail_type = StringAt(details, "type");
  // A raised error of any type (`raise` of a custom type URI) keeps its problem details.
  if (failure.has_application_failure_info() &&
      (absl::StartsWith(type, "https://serverlessworkflow.io/spec/") || !detail_type.empty())) {
    problem.set_type(detail_type.empty() ? type : detail_type);
    const auto status = details.find("status");
    problem.set_status(status != details.end() && status->is_number_integer()
                           ? status->get<int>()
                           : StandardErrorStatus(problem.type()));
    const std::string title = StringAt(details, "title");
    problem.set_title(title.empty() ? failure.message() : title);
    problem.set_detail(StringAt(details, "detail"));
    problem.set_instance(StringAt(details, "instance"));
    return problem;
  }
  problem.set_type(kRuntimeErrorType);
  problem.set_status(500);
  problem.set_title(failure.message());
  if (failure.has_cause()) problem.set_detail(failure.cause().message());
  return problem;
}

ExecutionProjection::ExecutionProjection(Execution execution)
    : execution_(std::move(execution)), ended_by_marker_(execution_.tasks_size(), true) {}

ExecutionProjection ExecutionProjection::FromStart(Execution execution) {
  execution.clear_phase();
  execution.clear_started_at();
  execution.clear_ended_at();
  execution.clear_tasks();
  execution.clear_output();
  execution.clear_error();
  execution.clear_temporal_run_id();
  return ExecutionProjection(std::move(execution));
}

void ExecutionProjection::Apply(const std::vector<HistoryEvent>& events) {
  for (const HistoryEvent& event : events) Apply(event);
}

void ExecutionProjection::Apply(const HistoryEvent& event) {
  if (event.has_workflow_execution_started_event_attributes()) {
    LearnSecrets(event.workflow_execution_started_event_attributes().input());
    const std::string& run_id =
        event.workflow_execution_started_event_attributes().original_execution_run_id();
    if (run_id != run_id_) {
      run_id_ = run_id;
      task_by_activity_.clear();
    }
  }
  int64_t& last = last_event_[run_id_];
  if (event.event_id() <= last) return;
  last = event.event_id();
  ApplyNew(event);
}

void ExecutionProjection::ApplyNew(const HistoryEvent& event) {
  switch (event.event_type()) {
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: {
      const auto& started = event.workflow_execution_started_event_attributes();
      execution_.set_phase(stigmer::v1::EXECUTION_PHASE_RUNNING);
      if (!execution_.has_started_at()) *execution_.mutable_started_at() = event.event_time();
      if (execution_.temporal_workflow_id().empty() && !started.workflow_id().empty()) {
        execution_.set_temporal_workflow_id(started.workflow_id());
      }
      execution_.set_temporal_run_id(started.original_execution_run_id());
      break;
    }
    case enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
      OnActivityScheduled(event);
      break;
    case enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
      OnActivityEnded(event.activity_task_completed_event_attributes().scheduled_event_id(),
                      stigmer::v1::TASK_PHASE_COMPLETED, event);
      break;
    case enums::EVENT_TYPE_ACTIVITY_TASK_FAILED:
      OnActivityEnded(event.activity_task_failed_event_attributes().scheduled_event_id(),
                      stigmer::v1::TASK_PHASE_FAILED, event);
      break;
    case enums::EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
      OnActivityEnded(event.activity_task_timed_out_event_attributes().scheduled_event_id(),
                      stigmer::v1::TASK_PHASE_FAILED, event);
      break;
    case enums::EVENT_TYPE_ACTIVITY_TASK_CANCELED:
      OnActivityEnded(event.activity_task_canceled_event_attributes().scheduled_event_id(),
                      stigmer::v1::TASK_PHASE_CANCELLED, event);
      break;
    case enums::EVENT_TYPE_MARKER_RECORDED:
      OnMarker(event);
      ApplyApprovalMarker(event.marker_recorded_event_attributes(), execution_);
      break;
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
      ApplyApprovalSignal(event.workflow_execution_signaled_event_attributes(), execution_);
      break;
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
      cancel_reason_ = event.workflow_execution_cancel_requested_event_attributes().cause();
      break;
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: {
      const auto& completed = event.workflow_execution_completed_event_attributes();
      if (!completed.new_execution_run_id().empty())
        return OnNewRun(completed.new_execution_run_id());
      absl::StatusOr<nlohmann::json> output = temporal::DecodeJsonPayloadAt(completed.result(), 0);
      execution_.set_output(output.ok() ? redactor_.RedactJson(*output).dump() : "null");
      execution_.clear_error();
      return OnClosed(stigmer::v1::EXECUTION_PHASE_COMPLETED, event);
    }
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_FAILED: {
      const auto& failed = event.workflow_execution_failed_event_attributes();
      if (!failed.new_execution_run_id().empty()) return OnNewRun(failed.new_execution_run_id());
      *execution_.mutable_error() = Redacted(ProblemFromFailure(failed.failure()));
      return OnClosed(stigmer::v1::EXECUTION_PHASE_FAILED, event);
    }
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT: {
      const auto& timed_out = event.workflow_execution_timed_out_event_attributes();
      if (!timed_out.new_execution_run_id().empty()) {
        return OnNewRun(timed_out.new_execution_run_id());
      }
      ProblemDetails* error = execution_.mutable_error();
      error->Clear();
      error->set_type(kTimeoutErrorType);
      error->set_status(408);
      error->set_title("Workflow timed out");
      error->set_detail("the execution did not end within its execution timeout");
      return OnClosed(stigmer::v1::EXECUTION_PHASE_FAILED, event);
    }
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED: {
      ProblemDetails* error = execution_.mutable_error();
      error->Clear();
      error->set_title("Execution cancelled");
      error->set_detail(redactor_.Redact(cancel_reason_));
      return OnClosed(stigmer::v1::EXECUTION_PHASE_CANCELLED, event);
    }
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED: {
      ProblemDetails* error = execution_.mutable_error();
      error->Clear();
      error->set_title("Execution terminated");
      error->set_detail(
          redactor_.Redact(event.workflow_execution_terminated_event_attributes().reason()));
      return OnClosed(stigmer::v1::EXECUTION_PHASE_CANCELLED, event);
    }
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
      return OnNewRun(
          event.workflow_execution_continued_as_new_event_attributes().new_execution_run_id());
    default:
      break;
  }
}

void ExecutionProjection::LearnSecrets(const ::temporal::api::common::v1::Payloads& input) {
  absl::StatusOr<nlohmann::json> runtime = temporal::DecodeJsonPayloadAt(input, 2);
  if (!runtime.ok() || !runtime->is_object() || !runtime->contains("secrets")) return;
  const SecretRedactor found = SecretRedactor::FromSecretsObject((*runtime)["secrets"]);
  std::vector<std::string> values = redactor_.values();
  values.insert(values.end(), found.values().begin(), found.values().end());
  redactor_ = SecretRedactor(values);
}

ProblemDetails ExecutionProjection::Redacted(ProblemDetails problem) const {
  problem.set_title(redactor_.Redact(problem.title()));
  problem.set_detail(redactor_.Redact(problem.detail()));
  problem.set_instance(redactor_.Redact(problem.instance()));
  return problem;
}

void ExecutionProjection::OnActivityScheduled(const HistoryEvent& event) {
  const auto& scheduled = event.activity_task_scheduled_event_attributes();
  const nlohmann::json task = FirstObject(scheduled.input());
  TaskProgress* progress = execution_.add_tasks();
  progress->set_path(StringAt(task, "path"));
  const std::string name = StringAt(task, "name");
  progress->set_name(name.empty() ? scheduled.activity_type().name() : name);
  progress->set_phase(stigmer::v1::TASK_PHASE_RUNNING);
  *progress->mutable_started_at() = event.event_time();
  task_by_activity_[event.event_id()] = execution_.tasks_size() - 1;
  ended_by_marker_.push_back(false);
}

void ExecutionProjection::OnActivityEnded(int64_t scheduled_event_id, stigmer::v1::TaskPhase phase,
                                          const HistoryEvent& event) {
  const auto found = task_by_activity_.find(scheduled_event_id);
  if (found == task_by_activity_.end()) return;
  TaskProgress* progress = execution_.mutable_tasks(found->second);
  if (progress->phase() != stigmer::v1::TASK_PHASE_RUNNING) return;
  progress->set_phase(phase);
  *progress->mutable_ended_at() = event.event_time();
}

void ExecutionProjection::OnMarker(const HistoryEvent& event) {
  const auto& marker = event.marker_recorded_event_attributes();
  if (marker.marker_name() != kTaskMarkerName) return;
  const auto details = marker.details().find(kTaskMarkerDetailsKey);
  if (details == marker.details().end()) return;
  const nlohmann::json task = FirstObject(details->second);
  const std::string path = StringAt(task, "path");
  if (path.empty()) return;

  // The entry an activity opened for this occurrence of the task, if any (a failure marker
  // also ends the entry of an activity that failed, and so does any marker of an agent's step:
  // a tool that failed is an error the model reads, recorded as the step's result).
  int index = -1;
  for (int i = execution_.tasks_size() - 1; i >= 0; --i) {
    if (execution_.tasks(i).path() != path) continue;
    const stigmer::v1::TaskPhase phase = execution_.tasks(i).phase();
    if (!ended_by_marker_[i] &&
        (marker.has_failure() || !execution_.agent().empty() ||
         (phase != stigmer::v1::TASK_PHASE_FAILED && phase != stigmer::v1::TASK_PHASE_CANCELLED))) {
      index = i;
    }
    break;
  }
  if (index < 0) {
    const auto descendants = task.find("descendants");
    index = InsertTask(path, descendants != task.end() && descendants->is_number_integer()
                                 ? descendants->get<int64_t>()
                                 : 0);
  }
  TaskProgress* progress = execution_.mutable_tasks(index);
  const std::string name = StringAt(task, "name");
  if (!name.empty()) progress->set_name(name);
  if (!marker.has_failure()) {
    progress->set_phase(stigmer::v1::TASK_PHASE_COMPLETED);
  } else if (marker.failure().has_canceled_failure_info()) {
    progress->set_phase(stigmer::v1::TASK_PHASE_CANCELLED);
  } else {
    progress->set_phase(stigmer::v1::TASK_PHASE_FAILED);
    *progress->mutable_error() = Redacted(ProblemFromFailure(marker.failure()));
  }
  // An agent run's steps carry what was said; a workflow's tasks keep their outputs in history.
  if (!execution_.agent().empty()) {
    if (auto output = task.find("output"); output != task.end()) {
      progress->set_output(redactor_.RedactJson(*output).dump());
    }
  }
  if (!SetMillisField(task, "started_at_ms", progress->mutable_started_at()) &&
      !progress->has_started_at()) {
    *progress->mutable_started_at() = event.event_time();
  }
  if (!SetMillisField(task, "ended_at_ms", progress->mutable_ended_at())) {
    *progress->mutable_ended_at() = event.event_time();
  }
  ended_by_marker_[index] = true;
}

int ExecutionProjection::InsertTask(const std::string& path, int64_t descendants) {
  // Before the latest `descendants` entries below `path`, never before an earlier entry of the
  // same task: tasks are listed in the order they started.
  int position = execution_.tasks_size();
  const std::string prefix = path + "/";
  for (int i = execution_.tasks_size() - 1; i >= 0 && descendants > 0; --i) {
    const std::string& other = execution_.tasks(i).path();
    if (other == path) break;
    if (absl::StartsWith(other, prefix)) {
      position = i;
      --descendants;
    }
  }
  execution_.add_tasks()->set_path(path);
  for (int i = execution_.tasks_size() - 1; i > position; --i) {
    execution_.mutable_tasks()->SwapElements(i, i - 1);
  }
  ended_by_marker_.insert(ended_by_marker_.begin() + position, false);
  for (auto& [scheduled, index] : task_by_activity_) {
    if (index >= position) ++index;
  }
  return position;
}

void ExecutionProjection::OnNewRun(const std::string& run_id) {
  execution_.set_phase(stigmer::v1::EXECUTION_PHASE_RUNNING);
  execution_.set_temporal_run_id(run_id);
}

void ExecutionProjection::OnClosed(stigmer::v1::ExecutionPhase phase, const HistoryEvent& event) {
  execution_.set_phase(phase);
  execution_.clear_pending_approvals();
  *execution_.mutable_ended_at() = event.event_time();
}

void ApplyHistoryEvents(const std::vector<HistoryEvent>& events, Execution* execution) {
  if (events.empty()) return;
  ExecutionProjection projection = ExecutionProjection::FromStart(std::move(*execution));
  projection.Apply(events);
  *execution = projection.execution();
}

}  // namespace stigmer::server

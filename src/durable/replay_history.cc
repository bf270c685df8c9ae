#include "durable/replay_history.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/proto_time.h"
#include "durable/workflow_failure.h"
#include "temporal/payloads.h"

namespace stigmer::durable {
namespace {

namespace tapi = ::temporal::api;
using tapi::enums::v1::EventType;

absl::Time EventTime(const HistoryEvent& event) { return FromProtoTimeMillis(event.event_time()); }

// The result event id is kept in `observed_at` until Index() resolves it.
void Resolve(RecordedStep& step, RecordedStep::State state, int64_t result_event_id) {
  step.state = state;
  step.observed_at = result_event_id;
}

}  // namespace

std::string StepId(const std::string& path, int occurrence) {
  return absl::StrCat(path, "#", occurrence);
}

absl::StatusOr<ReplayHistory> ReplayHistory::Index(const std::vector<HistoryEvent>& events,
                                                   int64_t current_started_event_id) {
  if (events.empty() ||
      events.front().event_type() != EventType::EVENT_TYPE_WORKFLOW_EXECUTION_STARTED) {
    return absl::InvalidArgumentError("the history does not start with WorkflowExecutionStarted");
  }
  ReplayHistory history;
  for (const HistoryEvent& event : events) {
    if (current_started_event_id > 0 && event.event_id() > current_started_event_id) break;
    if (absl::Status added = history.Add(event); !added.ok()) return added;
  }
  // The current workflow task: the last one started and not completed.
  if (history.pending_started_id_ != 0) {
    history.task_started_ids_.push_back(history.pending_started_id_);
    history.task_times_.push_back(history.pending_started_time_);
  }
  if (history.task_times_.empty()) {
    return absl::InvalidArgumentError("the history holds no started workflow task");
  }
  for (auto* steps : {&history.activities_, &history.timers_, &history.children_}) {
    for (auto& [id, step] : *steps) {
      if (step.state != RecordedStep::State::kPending) {
        step.observed_at = history.ObservedAt(step.observed_at);
      }
    }
  }
  for (RecordedSignal& signal : history.signals_) {
    signal.observed_at = history.ObservedAt(signal.event_id);
  }
  if (history.started_.input().payloads_size() > kCarriedStepsPayload) {
    absl::StatusOr<nlohmann::json> carried =
        temporal::DecodeJsonPayloadAt(history.started_.input(), kCarriedStepsPayload);
    if (!carried.ok()) return carried.status();
    if (absl::Status loaded = history.LoadCarried(*carried); !loaded.ok()) return loaded;
  }
  return history;
}

absl::Status ReplayHistory::LoadCarried(const nlohmann::json& carried) {
  if (!carried.is_object() || !carried.value("times_ms", nlohmann::json()).is_array() ||
      !carried.value("steps", nlohmann::json()).is_array()) {
    return absl::InvalidArgumentError("the carried steps of the earlier runs cannot be read");
  }
  std::vector<absl::Time> times;
  for (const nlohmann::json& ms : carried["times_ms"]) {
    if (!ms.is_number_integer())
      return absl::InvalidArgumentError("a carried time is not a number");
    times.push_back(absl::FromUnixMillis(ms.get<int64_t>()));
  }
  carried_times_ = times.size();
  const auto offset = static_cast<int64_t>(carried_times_);
  for (auto* steps : {&activities_, &timers_, &children_}) {
    for (auto& [id, step] : *steps) step.observed_at += offset;
  }
  // Carried markers and signals come before this run's: shift this run's places past theirs.
  int64_t last_position = 0;
  for (const nlohmann::json& entry : carried["steps"]) {
    if (entry.is_object()) {
      last_position = std::max(last_position, entry.value("position", int64_t{0}));
    }
  }
  for (RecordedSignal& signal : signals_) {
    signal.observed_at += offset;
    signal.position += last_position;
  }
  for (auto& [id, step] : markers_) step.position += last_position;
  std::vector<RecordedSignal> carried_signals;
  task_times_.insert(task_times_.begin(), times.begin(), times.end());
  task_started_ids_.insert(task_started_ids_.begin(), times.size(), 0);
  for (const nlohmann::json& entry : carried["steps"]) {
    if (!entry.is_object() || !entry.value("id", nlohmann::json()).is_string()) {
      return absl::InvalidArgumentError("a carried step has no id");
    }
    RecordedStep step;
    step.id = entry["id"];
    step.observed_at = entry.value("at", int64_t{0});
    step.state = RecordedStep::State::kCompleted;
    const std::string kind = entry.value("kind", "");
    if (kind == "activity" || kind == "child") {
      step.kind = kind == "child" ? RecordedStep::Kind::kChild : RecordedStep::Kind::kActivity;
      step.activity_type = entry.value("type", "");
      if (entry.contains("error")) {
        absl::StatusOr<WorkflowError> error = ErrorFromJson(entry["error"]);
        if (!error.ok()) return error.status();
        step.error = *std::move(error);
        step.state = RecordedStep::State::kFailed;
      } else {
        step.output = entry.value("output", nlohmann::json());
      }
      (kind == "child" ? children_ : activities_).emplace(step.id, std::move(step));
    } else if (kind == "timer") {
      step.kind = RecordedStep::Kind::kTimer;
      timers_.emplace(step.id, std::move(step));
    } else if (kind == "marker") {
      step.kind = RecordedStep::Kind::kMarker;
      step.marker_name = entry.value("name", kTaskMarkerName);
      step.position = entry.value("position", int64_t{0});
      markers_.emplace(step.id, std::move(step));
    } else if (kind == "signal") {
      carried_signals.push_back({.name = entry.value("name", ""),
                                 .input = entry.value("input", nlohmann::json()),
                                 .position = entry.value("position", int64_t{0}),
                                 .observed_at = step.observed_at});
    } else {
      return absl::InvalidArgumentError(absl::StrCat("a carried step has kind \"", kind, "\""));
    }
  }
  signals_.insert(signals_.begin(), carried_signals.begin(), carried_signals.end());
  return absl::OkStatus();
}

int64_t ReplayHistory::ObservedAt(int64_t event_id) const {
  auto first_after = std::upper_bound(task_started_ids_.begin(), task_started_ids_.end(), event_id);
  if (first_after == task_started_ids_.end()) return static_cast<int64_t>(task_times_.size()) - 1;
  return first_after - task_started_ids_.begin();
}

absl::Status ReplayHistory::Add(const HistoryEvent& event) {
  ++event_count_;
  absl::StatusOr<bool> child = AddChildEvent(event);
  if (!child.ok() || *child) return child.status();
  switch (event.event_type()) {
    case EventType::EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
      started_ = event.workflow_execution_started_event_attributes();
      break;
    case EventType::EVENT_TYPE_WORKFLOW_TASK_STARTED:
      pending_started_id_ = event.event_id();
      pending_started_time_ = EventTime(event);
      break;
    case EventType::EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
      if (pending_started_id_ != 0 &&
          event.workflow_task_completed_event_attributes().started_event_id() ==
              pending_started_id_) {
        task_started_ids_.push_back(pending_started_id_);
        task_times_.push_back(pending_started_time_);
      }
      pending_started_id_ = 0;
      break;
    case EventType::EVENT_TYPE_WORKFLOW_TASK_FAILED:
    case EventType::EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
      pending_started_id_ = 0;
      break;
    case EventType::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
      const auto& attributes = event.activity_task_scheduled_event_attributes();
      RecordedStep step;
      step.kind = RecordedStep::Kind::kActivity;
      step.id = attributes.activity_id();
      step.activity_type = attributes.activity_type().name();
      step.event_id = event.event_id();
      activity_by_event_[event.event_id()] = step.id;
      activities_[step.id] = std::move(step);
      break;
    }
    case EventType::EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
      const auto& attributes = event.activity_task_completed_event_attributes();
      auto id = activity_by_event_.find(attributes.scheduled_event_id());
      if (id == activity_by_event_.end()) break;
      RecordedStep& step = activities_[id->second];
      absl::StatusOr<nlohmann::json> output = temporal::DecodeJsonPayloadAt(attributes.result());
      if (!output.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "the result of activity ", step.id, " cannot be read: ", output.status().message()));
      }
      step.output = *std::move(output);
      Resolve(step, RecordedStep::State::kCompleted, event.event_id());
      break;
    }
    case EventType::EVENT_TYPE_ACTIVITY_TASK_FAILED:
    case EventType::EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
    case EventType::EVENT_TYPE_ACTIVITY_TASK_CANCELED: {
      int64_t scheduled = 0;
      WorkflowError error;
      if (event.has_activity_task_failed_event_attributes()) {
        scheduled = event.activity_task_failed_event_attributes().scheduled_event_id();
        error = ErrorFromFailure(event.activity_task_failed_event_attributes().failure());
      } else if (event.has_activity_task_timed_out_event_attributes()) {
        scheduled = event.activity_task_timed_out_event_attributes().scheduled_event_id();
        error = ErrorFromFailure(event.activity_task_timed_out_event_attributes().failure());
        if (error.type != absl::StrCat(kErrorTypePrefix, "timeout")) {
          error = StandardError("timeout", "Task timed out", error.title, "");
        }
      } else {
        scheduled = event.activity_task_canceled_event_attributes().scheduled_event_id();
        error = StandardError("runtime", "Task cancelled", "the activity was cancelled", "");
      }
      auto id = activity_by_event_.find(scheduled);
      if (id == activity_by_event_.end()) break;
      RecordedStep& step = activities_[id->second];
      step.error = std::move(error);
      Resolve(step, RecordedStep::State::kFailed, event.event_id());
      break;
    }
    case EventType::EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED: {
      auto id = activity_by_event_.find(
          event.activity_task_cancel_requested_event_attributes().scheduled_event_id());
      if (id != activity_by_event_.end()) activities_[id->second].cancel_requested = true;
      break;
    }
    case EventType::EVENT_TYPE_TIMER_CANCELED: {
      auto id = timer_by_event_.find(event.timer_canceled_event_attributes().started_event_id());
      if (id != timer_by_event_.end()) timers_[id->second].cancel_requested = true;
      break;
    }
    case EventType::EVENT_TYPE_TIMER_STARTED: {
      RecordedStep step;
      step.kind = RecordedStep::Kind::kTimer;
      step.id = event.timer_started_event_attributes().timer_id();
      step.event_id = event.event_id();
      timer_by_event_[event.event_id()] = step.id;
      timers_[step.id] = std::move(step);
      break;
    }
    case EventType::EVENT_TYPE_TIMER_FIRED: {
      auto id = timer_by_event_.find(event.timer_fired_event_attributes().started_event_id());
      if (id != timer_by_event_.end()) {
        Resolve(timers_[id->second], RecordedStep::State::kCompleted, event.event_id());
      }
      break;
    }
    case EventType::EVENT_TYPE_MARKER_RECORDED: {
      const auto& attributes = event.marker_recorded_event_attributes();
      const bool task_marker = attributes.marker_name() == kTaskMarkerName;
      auto details =
          attributes.details().find(task_marker ? kTaskMarkerDetailsKey : kMarkerDetailsKey);
      if (details == attributes.details().end()) break;
      absl::StatusOr<nlohmann::json> task = temporal::DecodeJsonPayloadAt(details->second);
      if (!task.ok() || !task->is_object() || !(*task)["path"].is_string()) break;
      const std::string path = (*task)["path"];
      if (!task_marker && !(*task)["step"].is_string()) break;
      RecordedStep step;
      step.kind = RecordedStep::Kind::kMarker;
      step.marker_name = attributes.marker_name();
      step.id = (*task)["step"].is_string() ? (*task)["step"].get<std::string>()
                                            : StepId(path, ++marker_occurrences_[path]);
      step.event_id = event.event_id();
      step.position = event.event_id();
      step.state = RecordedStep::State::kCompleted;
      markers_[step.id] = std::move(step);
      break;
    }
    case EventType::EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: {
      const auto& attributes = event.workflow_execution_signaled_event_attributes();
      RecordedSignal signal{.name = attributes.signal_name(),
                            .event_id = event.event_id(),
                            .position = event.event_id()};
      if (attributes.input().payloads_size() > 0) {
        absl::StatusOr<nlohmann::json> input = temporal::DecodeJsonPayloadAt(attributes.input());
        if (input.ok()) signal.input = *std::move(input);
      }
      signals_.push_back(std::move(signal));
      break;
    }
    case EventType::EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
      cancel_requested_ = true;
      cancel_reason_ = event.workflow_execution_cancel_requested_event_attributes().cause();
      break;
    default:
      break;
  }
  return absl::OkStatus();
}

const RecordedStep* ReplayHistory::Find(RecordedStep::Kind kind, const std::string& id) const {
  const auto& map = steps(kind);
  auto it = map.find(id);
  return it == map.end() ? nullptr : &it->second;
}

const std::map<std::string, RecordedStep>& ReplayHistory::steps(RecordedStep::Kind kind) const {
  switch (kind) {
    case RecordedStep::Kind::kActivity:
      return activities_;
    case RecordedStep::Kind::kTimer:
      return timers_;
    case RecordedStep::Kind::kChild:
      return children_;
    case RecordedStep::Kind::kMarker:
      break;
  }
  return markers_;
}

}  // namespace stigmer::durable

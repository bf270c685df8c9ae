#include "durable/replay_context.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/proto_time.h"
#include "durable/child_workflow.h"
#include "durable/workflow_failure.h"
#include "temporal/payloads.h"

namespace stigmer::durable {
namespace {

namespace tapi = ::temporal::api;

// Clamped: protobuf CHECK-fails (aborting the worker) on a Duration beyond 10,000 years, so no
// value, however it was computed, may reach it unbounded. Programs refuse far shorter durations
// (the DSL: 100 years, when a document is applied); this is the backstop.
constexpr absl::Duration kMaxCommandDuration = absl::Hours(24 * 36500);

google::protobuf::Duration ProtoDuration(absl::Duration duration) {
  return ToProtoDurationMillis(std::clamp(duration, absl::ZeroDuration(), kMaxCommandDuration));
}

// The task's name: the last segment of its path, unescaped.
std::string TaskName(const std::string& path) {
  std::string name = path.substr(path.rfind('/') + 1);
  std::string unescaped;
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '~' && i + 1 < name.size()) {
      unescaped += name[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      unescaped += name[i];
    }
  }
  return unescaped;
}

// FNV-1a: a stable seed from the run's identity.
uint64_t Seed(const std::string& text) {
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ull;
  return hash;
}

absl::Status NonDeterministic(const std::string& detail) {
  return absl::FailedPreconditionError(
      absl::StrCat("non-deterministic workflow: ", detail,
                   "; the definition or the code that runs it changed while the execution was "
                   "open"));
}

const char* KindName(RecordedStep::Kind kind) {
  switch (kind) {
    case RecordedStep::Kind::kActivity:
      return "activity";
    case RecordedStep::Kind::kTimer:
      return "timer";
    case RecordedStep::Kind::kChild:
      return "child workflow";
    case RecordedStep::Kind::kMarker:
      break;
  }
  return "task marker";
}

// A marker step replayed as a marker of another name.
absl::Status OtherMarker(const RecordedStep& step, const std::string& expected) {
  return NonDeterministic(absl::StrCat("step ", step.id, " is a \"", step.marker_name,
                                       "\" marker in history, the workflow now records \"",
                                       expected, "\""));
}

}  // namespace

ReplayContext::ReplayContext(const ReplayHistory& history, CommandOptions options,
                             std::string workflow_id)
    : history_(history),
      options_(std::move(options)),
      workflow_id_(std::move(workflow_id)),
      random_state_(Seed(history.started().first_execution_run_id())),
      cancel_requested_(history.cancel_requested()) {}

absl::Time ReplayContext::Now() {
  const std::vector<absl::Time>& times = history_.task_times();
  return times[std::clamp<int64_t>(clock_, 0, static_cast<int64_t>(times.size()) - 1)];
}

uint64_t ReplayContext::Random() {
  // splitmix64
  uint64_t z = (random_state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void ReplayContext::Consume(const RecordedStep& step) {
  consumed_.insert({step.kind, step.id});
  if (step.state != RecordedStep::State::kPending) clock_ = std::max(clock_, step.observed_at);
}

ActivityOutcome ReplayContext::Outcome(const RecordedStep& step, std::string waiting) {
  Consume(step);
  switch (step.state) {
    case RecordedStep::State::kPending:
      in_flight_.push_back(&step);
      waits_on_recorded_step_ = waits_on_recorded_step_ || !step.cancel_requested;
      waiting_on_.push_back(std::move(waiting));
      return ActivityOutcome::Pending();
    case RecordedStep::State::kFailed:
      return ActivityOutcome::Failed(step.error);
    case RecordedStep::State::kCompleted:
      break;
  }
  return ActivityOutcome::Completed(step.output);
}

absl::StatusOr<ActivityOutcome> ReplayContext::CallActivity(const std::string& path,
                                                            const std::string& kind,
                                                            const nlohmann::json& input) {
  const std::string id = StepId(path, ++activity_calls_[path]);
  const RecordedStep* step = history_.Find(RecordedStep::Kind::kActivity, id);
  if (step == nullptr) {
    commands_.push_back(ScheduleActivity(id, path, kind, input));
    waiting_on_.push_back(absl::StrCat(path, ": ", kind, " activity"));
    return ActivityOutcome::Pending();
  }
  if (step->activity_type != kind) {
    return NonDeterministic(absl::StrCat("step ", id, " is a \"", step->activity_type,
                                         "\" activity in history, the workflow now runs \"", kind,
                                         "\""));
  }
  return Outcome(*step, absl::StrCat(path, ": ", kind, " activity"));
}

absl::StatusOr<ActivityOutcome> ReplayContext::CallChildWorkflow(const std::string& path,
                                                                 const ChildWorkflow& child) {
  const std::string id = ChildWorkflowId(workflow_id_, StepId(path, ++child_calls_[path]));
  const std::string waiting = absl::StrCat(path, ": child workflow ", child.workflow_type);
  const RecordedStep* step = history_.Find(RecordedStep::Kind::kChild, id);
  if (step == nullptr) {
    commands_.push_back(StartChildCommand(id, child));
    waiting_on_.push_back(waiting);
    return ActivityOutcome::Pending();
  }
  if (step->activity_type != child.workflow_type) {
    return NonDeterministic(absl::StrCat("child workflow ", id, " is a \"", step->activity_type,
                                         "\" in history, the workflow now starts a \"",
                                         child.workflow_type, "\""));
  }
  if (!child.await_result && !step->child_run_id.empty()) {
    consumed_.insert({step->kind, step->id});  // started: what it does next is not ours
    return ActivityOutcome::Completed(nullptr);
  }
  return Outcome(*step, waiting);
}

absl::StatusOr<bool> ReplayContext::Sleep(const std::string& path, absl::Duration duration) {
  const std::string id = StepId(path, ++timer_calls_[path]);
  if (duration <= absl::ZeroDuration()) return true;  // Temporal refuses timers of 0
  const RecordedStep* step = history_.Find(RecordedStep::Kind::kTimer, id);
  if (step == nullptr) {
    Command command;
    command.set_command_type(tapi::enums::v1::COMMAND_TYPE_START_TIMER);
    auto* timer = command.mutable_start_timer_command_attributes();
    timer->set_timer_id(id);
    *timer->mutable_start_to_fire_timeout() = ProtoDuration(duration);
    commands_.push_back(std::move(command));
  } else {
    Consume(*step);
    if (step->state != RecordedStep::State::kPending) return true;
    in_flight_.push_back(step);
    waits_on_recorded_step_ = waits_on_recorded_step_ || !step->cancel_requested;
  }
  waiting_on_.push_back(absl::StrCat(path, ": timer of ", absl::FormatDuration(duration)));
  return false;
}

absl::Status ReplayContext::TaskEnded(const std::string& path, const std::string& name,
                                      absl::Time started_at, const TaskEnd& end) {
  const std::string id = StepId(path, ++marker_calls_[path]);
  if (const RecordedStep* step = history_.Find(RecordedStep::Kind::kMarker, id)) {
    if (step->marker_name != kTaskMarkerName) return OtherMarker(*step, kTaskMarkerName);
    Consume(*step);
    ++markers_consumed_;
    return absl::OkStatus();
  }
  nlohmann::json task = {{"path", path},
                         {"name", name},
                         {"step", id},
                         {"started_at_ms", absl::ToUnixMillis(started_at)},
                         {"ended_at_ms", absl::ToUnixMillis(Now())}};
  if (end.state == TaskEnd::State::kCompleted) task["output"] = end.output;
  if (end.descendants > 0) task["descendants"] = end.descendants;
  Command command;
  command.set_command_type(tapi::enums::v1::COMMAND_TYPE_RECORD_MARKER);
  auto* marker = command.mutable_record_marker_command_attributes();
  marker->set_marker_name(kTaskMarkerName);
  (*marker->mutable_details())[kTaskMarkerDetailsKey] = temporal::JsonPayloads({task});
  if (end.state == TaskEnd::State::kFailed) {
    *marker->mutable_failure() = FailureFromError(end.error);
  } else if (end.state == TaskEnd::State::kCancelled) {
    auto* failure = marker->mutable_failure();
    failure->set_message("Task cancelled");
    failure->set_source("stigmer-workflow-runner");
    failure->mutable_canceled_failure_info();
  }
  commands_.push_back(std::move(command));
  ++markers_buffered_;
  return absl::OkStatus();
}

absl::StatusOr<std::optional<nlohmann::json>> ReplayContext::AwaitSignal(
    const std::string& path, const std::string& name, const nlohmann::json& details,
    const std::function<bool(const nlohmann::json&)>& matches) {
  const int step = ++marker_calls_[path];
  const std::string id = StepId(path, step);
  const bool continues = details.is_object() && details.value(kContinuesWaitKey, false);
  if (!continues || !wait_started_.contains(path)) wait_started_[path] = step;
  waiting_on_.push_back(absl::StrCat(path, ": signal ", name));
  const RecordedStep* marker = history_.Find(RecordedStep::Kind::kMarker, id);
  if (marker != nullptr && marker->marker_name != name) return OtherMarker(*marker, name);
  if (marker == nullptr) {
    nlohmann::json data = details.is_object() ? details : nlohmann::json::object();
    data["path"] = path;
    data["step"] = id;
    Command command;
    command.set_command_type(tapi::enums::v1::COMMAND_TYPE_RECORD_MARKER);
    auto* attributes = command.mutable_record_marker_command_attributes();
    attributes->set_marker_name(name);
    (*attributes->mutable_details())[kMarkerDetailsKey] = temporal::JsonPayloads({data});
    commands_.push_back(std::move(command));
  } else {
    Consume(*marker);
  }
  // Signals count from the marker of the wait this one continues (its own when none). A wait
  // that continues may take at once what history holds: a replay, finding its marker after
  // those signals, takes the same one (the first that qualifies).
  const RecordedStep* first =
      history_.Find(RecordedStep::Kind::kMarker, StepId(path, wait_started_[path]));
  if (marker == nullptr && (!continues || first == nullptr)) return std::nullopt;
  const int64_t since = first != nullptr ? first->position : marker->position;
  const std::vector<RecordedSignal>& signals = history_.signals();
  for (size_t i = 0; i < signals.size(); ++i) {
    const RecordedSignal& signal = signals[i];
    if (signal.name != name || signal.position <= since || signals_taken_.count(i) > 0 ||
        !matches(signal.input)) {
      continue;
    }
    signals_taken_.insert(i);
    clock_ = std::max(clock_, signal.observed_at);
    waiting_on_.pop_back();
    return signal.input;
  }
  if (marker == nullptr) return std::nullopt;
  // Waiting on a step history holds: the run does not continue as new meanwhile, so that a
  // signal sent to this run is not lost.
  waits_on_recorded_step_ = true;
  return std::nullopt;
}

size_t ReplayContext::TasksRecorded() const { return markers_consumed_ + markers_buffered_; }

void ReplayContext::CancelPending(size_t begin, size_t end) {
  for (size_t i = begin; i < std::min(end, in_flight_.size()); ++i) {
    const RecordedStep& step = *in_flight_[i];
    // A child that has not started yet cannot be asked; its parent's close policy cancels it.
    if (step.cancel_requested ||
        (step.kind == RecordedStep::Kind::kChild && step.child_run_id.empty()) ||
        !cancelled_.insert(absl::StrCat(KindName(step.kind), ":", step.id)).second) {
      continue;
    }
    switch (step.kind) {
      case RecordedStep::Kind::kActivity:
        cancellations_.push_back(RequestCancelActivityCommand(step.event_id));
        break;
      case RecordedStep::Kind::kChild:
        cancellations_.push_back(RequestCancelChildCommand(step.id, step.child_run_id));
        break;
      default:
        cancellations_.push_back(CancelTimerCommand(step.id));
        break;
    }
  }
}

std::vector<Command> ReplayContext::TakeCommands() {
  std::vector<Command> commands = std::move(commands_);
  commands_.clear();
  markers_buffered_ = 0;
  for (Command& command : cancellations_) commands.push_back(std::move(command));
  cancellations_.clear();
  return commands;
}

Command RequestCancelActivityCommand(int64_t scheduled_event_id) {
  Command command;
  command.set_command_type(tapi::enums::v1::COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK);
  command.mutable_request_cancel_activity_task_command_attributes()->set_scheduled_event_id(
      scheduled_event_id);
  return command;
}

Command CancelTimerCommand(const std::string& timer_id) {
  Command command;
  command.set_command_type(tapi::enums::v1::COMMAND_TYPE_CANCEL_TIMER);
  command.mutable_cancel_timer_command_attributes()->set_timer_id(timer_id);
  return command;
}

void ReplayContext::DropCommandsSince(size_t mark) { DropCommands(mark, commands_.size()); }

void ReplayContext::DropCommands(size_t begin, size_t end) {
  end = std::min(end, commands_.size());
  if (begin >= end) return;
  for (size_t i = begin; i < end; ++i) {
    if (commands_[i].command_type() == tapi::enums::v1::COMMAND_TYPE_RECORD_MARKER &&
        commands_[i].record_marker_command_attributes().marker_name() == kTaskMarkerName) {
      --markers_buffered_;
    }
  }
  commands_.erase(commands_.begin() + static_cast<std::ptrdiff_t>(begin),
                  commands_.begin() + static_cast<std::ptrdiff_t>(end));
}

absl::Status ReplayContext::CheckAllStepsReached() const {
  const RecordedStep* earliest = nullptr;
  for (RecordedStep::Kind kind : {RecordedStep::Kind::kActivity, RecordedStep::Kind::kTimer,
                                  RecordedStep::Kind::kMarker, RecordedStep::Kind::kChild}) {
    for (const auto& [id, step] : history_.steps(kind)) {
      if (consumed_.count({kind, id}) == 0 &&
          (earliest == nullptr || step.event_id < earliest->event_id)) {
        earliest = &step;
      }
    }
  }
  if (earliest == nullptr) return absl::OkStatus();
  return NonDeterministic(absl::StrCat("history holds ", KindName(earliest->kind), " ",
                                       earliest->id, " (event ", earliest->event_id,
                                       "), which the workflow no longer reaches"));
}

Command ReplayContext::ScheduleActivity(const std::string& id, const std::string& path,
                                        const std::string& kind,
                                        const nlohmann::json& input) const {
  Command command;
  command.set_command_type(tapi::enums::v1::COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK);
  auto* activity = command.mutable_schedule_activity_task_command_attributes();
  activity->set_activity_id(id);
  activity->mutable_activity_type()->set_name(kind);
  const auto routed = options_.activity_kinds.find(kind);
  const ActivityKindOptions own =
      routed != options_.activity_kinds.end() ? routed->second : ActivityKindOptions{};
  activity->mutable_task_queue()->set_name(own.task_queue.empty() ? options_.task_queue
                                                                  : own.task_queue);
  activity->mutable_task_queue()->set_kind(tapi::enums::v1::TASK_QUEUE_KIND_NORMAL);
  *activity->mutable_input() =
      temporal::JsonPayloads({{{"path", path}, {"name", TaskName(path)}, {"step", id}}, input});
  // A task `timeout` bounds the activity, all attempts together; it then fails with a timeout.
  const int64_t timeout_ms = input.is_object() ? input.value("timeout_ms", int64_t{0}) : 0;
  if (timeout_ms > 0) {
    *activity->mutable_schedule_to_close_timeout() = ProtoDuration(absl::Milliseconds(timeout_ms));
  }
  *activity->mutable_start_to_close_timeout() =
      timeout_ms > 0 ? ProtoDuration(absl::Milliseconds(timeout_ms))
                     : ProtoDuration(own.start_to_close > absl::ZeroDuration()
                                         ? own.start_to_close
                                         : options_.activity_start_to_close);
  *activity->mutable_heartbeat_timeout() = ProtoDuration(options_.activity_heartbeat_timeout);
  auto* retry = activity->mutable_retry_policy();
  *retry->mutable_initial_interval() = ProtoDuration(absl::Seconds(1));
  retry->set_backoff_coefficient(2.0);
  const int64_t step_attempts = input.is_object() ? input.value("max_attempts", int64_t{0}) : 0;
  retry->set_maximum_attempts(step_attempts > 0      ? static_cast<int32_t>(step_attempts)
                              : own.max_attempts > 0 ? own.max_attempts
                                                     : options_.activity_max_attempts);
  return command;
}

}  // namespace stigmer::durable

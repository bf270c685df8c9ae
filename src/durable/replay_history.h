#ifndef STIGMER_DURABLE_REPLAY_HISTORY_H_
#define STIGMER_DURABLE_REPLAY_HISTORY_H_

// What one run's history says about the steps (activities, timers, markers) the workflow asked
// for, and when it saw their results: the index ReplayContext replays the interpreter against.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "durable/workflow_error.h"
#include "nlohmann/json.hpp"
#include "temporal/api/history/v1/message.pb.h"

namespace stigmer::durable {

using HistoryEvent = ::temporal::api::history::v1::HistoryEvent;

// The per-task marker workflow-runner records (the contract is in
// src/server/execution_projection.h).
inline constexpr char kTaskMarkerName[] = "stigmer.task";
inline constexpr char kTaskMarkerDetailsKey[] = "task";
// Any other marker a program records (WorkflowContext::RecordMarker): its details hold one JSON
// object under this key, with the program's fields and "path" and "step".
inline constexpr char kMarkerDetailsKey[] = "data";
// In an AwaitSignal's details: true when the wait continues the previous one at its path
// (WorkflowContext::AwaitSignal).
inline constexpr char kContinuesWaitKey[] = "continues";

// A step's identity: "<task path>#<occurrence>", e.g. "/do/1/fetch#2".
std::string StepId(const std::string& path, int occurrence);

// The input payload, after the document, the input and the runtime values, through which a run
// continued as new carries the steps of the runs before it:
//   {"times_ms": [<workflow time of each clock value, ms since the epoch>],
//    "steps": [{"kind": "activity" | "timer" | "marker" | "signal" | "child", "id": <StepId>
//               or a child's workflow id,
//               "at": <clock value>, "type": <activity type>, "output": <activity result> |
//               "error": <problem>, "name": <a marker's or a signal's name>,
//               "input": <a signal's payload>, "position": <a marker's or a signal's>}]}
// (a signal's id is "signal#<n>", its order among the run's signals).
inline constexpr int kCarriedStepsPayload = 3;

// One step the workflow asked for in an earlier workflow task.
struct RecordedStep {
  enum class Kind { kActivity, kTimer, kMarker, kChild };
  enum class State { kPending, kCompleted, kFailed };
  Kind kind = Kind::kActivity;
  std::string id;
  // kActivity: "http", "shell", ...; kChild: the child's workflow type.
  std::string activity_type;
  std::string marker_name;  // kMarker: kTaskMarkerName or the program's marker name
  int64_t event_id = 0;     // the event that recorded the command
  // Its place in history, to order markers and signals: event_id, after the places of the
  // steps carried from earlier runs.
  int64_t position = 0;
  State state = State::kPending;
  nlohmann::json output;  // kCompleted activity: its result
  WorkflowError error;    // kFailed activity: the DSL error
  // The logical clock (index into ReplayHistory::task_times()) at which the workflow saw the
  // result: the first workflow task that started after it was recorded.
  int64_t observed_at = 0;
  // A pending activity or child whose cancellation was requested, or a cancelled timer.
  bool cancel_requested = false;
  // kChild (whose id is the child's workflow id): the run that started, once it did.
  std::string child_run_id;
};

// A signal the run received (WorkflowExecutionSignaled), in the order history holds them.
struct RecordedSignal {
  std::string name;
  // Its first payload as JSON; null when it had none or it could not be read (a bad signal
  // never breaks the run: programs ignore what does not match what they wait for).
  nlohmann::json input;
  int64_t event_id = 0;  // 0 for a signal carried from an earlier run
  int64_t position = 0;  // as RecordedStep::position
  // The logical clock at which the run sees it: the first workflow task started after it.
  int64_t observed_at = 0;
};

// Indexes the events of one run up to the current workflow task's start. Not thread-safe.
class ReplayHistory {
 public:
  // `events`: the run's history from its first event; events after `current_started_event_id`
  // (the WorkflowTaskStarted of the task being answered; 0: the last one) are ignored.
  // A run that continued an earlier one as new carries the earlier steps in its fourth input
  // payload (see CarriedSteps): they are indexed as if they were in this history, before it.
  // InvalidArgument when the history does not start with WorkflowExecutionStarted or a
  // recorded payload cannot be read.
  static absl::StatusOr<ReplayHistory> Index(const std::vector<HistoryEvent>& events,
                                             int64_t current_started_event_id = 0);

  // The WorkflowExecutionStarted event's attributes.
  const ::temporal::api::history::v1::WorkflowExecutionStartedEventAttributes& started() const {
    return started_;
  }
  // Workflow time of each workflow task the workflow completed, and last of the current one:
  // the values of the logical clock.
  const std::vector<absl::Time>& task_times() const { return task_times_; }
  // Steps by kind and id.
  const RecordedStep* Find(RecordedStep::Kind kind, const std::string& id) const;
  const std::map<std::string, RecordedStep>& steps(RecordedStep::Kind kind) const;
  // The signals received up to the current workflow task, oldest first.
  const std::vector<RecordedSignal>& signals() const { return signals_; }
  // The number of events up to the current workflow task.
  int64_t event_count() const { return event_count_; }
  // The steps of earlier runs this one carries (event_id 0), and the number of clock values
  // they take (the first task_times()).
  size_t carried_times() const { return carried_times_; }
  // History holds a cancel request not yet acted on; its reason.
  bool cancel_requested() const { return cancel_requested_; }
  const std::string& cancel_reason() const { return cancel_reason_; }

 private:
  absl::Status Add(const HistoryEvent& event);
  // The child workflow events (child_workflow.cc); false for any other event.
  absl::StatusOr<bool> AddChildEvent(const HistoryEvent& event);
  absl::Status LoadCarried(const nlohmann::json& carried);
  int64_t ObservedAt(int64_t event_id) const;

  ::temporal::api::history::v1::WorkflowExecutionStartedEventAttributes started_;
  std::vector<absl::Time> task_times_;
  std::vector<int64_t> task_started_ids_;  // parallel to task_times_
  std::map<std::string, RecordedStep> activities_, timers_, markers_, children_;
  std::map<int64_t, std::string> activity_by_event_, timer_by_event_, child_by_event_;
  std::vector<RecordedSignal> signals_;
  std::map<std::string, int> marker_occurrences_;
  int64_t pending_started_id_ = 0;  // a WorkflowTaskStarted not yet completed
  absl::Time pending_started_time_;
  int64_t event_count_ = 0;
  size_t carried_times_ = 0;
  bool cancel_requested_ = false;
  std::string cancel_reason_;
};

}  // namespace stigmer::durable

#endif  // STIGMER_DURABLE_REPLAY_HISTORY_H_

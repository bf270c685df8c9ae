#ifndef STIGMER_SERVER_EXECUTION_PROJECTION_H_
#define STIGMER_SERVER_EXECUTION_PROJECTION_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/secret_redactor.h"
#include "stigmer/v1/execution.pb.h"
#include "temporal/api/failure/v1/message.pb.h"
#include "temporal/api/history/v1/message.pb.h"

// Projection of a ServerlessWorkflow's Temporal history into a stigmer.v1.Execution.
//
// What the workflow writes into its history, and how each part is read here (the contract with
// workflow-runner):
//
// * WorkflowExecutionStarted → phase RUNNING, started_at = its event time (of the first run
//   seen), temporal_run_id = its original_execution_run_id.
//
// * Activities (side-effect tasks): ActivityType.name is the task kind ("http", "shell", …); the
//   FIRST input payload is json/plain {"path": "/do/1/fetch", "name": "fetch", ...} (other keys
//   and later payloads are ignored here). Scheduled → a new task, RUNNING, started_at = the
//   scheduled time; Completed → COMPLETED; Failed, TimedOut → FAILED; Canceled → CANCELLED;
//   ended_at = that event's time. Without a readable {"path","name"} the task is named after the
//   activity type, with an empty path.
//
// * The per-task marker: RecordMarker with marker_name "stigmer.task" (kTaskMarkerName) and
//   details["task"] (kTaskMarkerDetailsKey) = Payloads whose FIRST payload is json/plain:
//     {"path": "/do/0/greet",          // required: the task's JSON pointer
//      "name": "greet",                // required: the task's name
//      "started_at_ms": 1712345678901, // optional: task start, ms since the Unix epoch (UTC),
//                                      //   workflow time (from history, not the clock)
//      "ended_at_ms": 1712345678950,   // optional: task end, same unit; default: marker time
//      "output": <any JSON>,           // optional: the task's output (projected, redacted,
//                                      //   into TaskProgress.output for agent runs only:
//                                      //   what each step said; agent/agent_program.h)
//      "descendants": 3}               // optional: the markers recorded inside the task (its
//                                      //   subtasks', theirs…) while it ran; default 0
//   The marker ends the task: COMPLETED; or, when the marker's `failure` is set, CANCELLED if
//   it is a canceled_failure_info, else FAILED with error = ProblemFromFailure(failure). It
//   updates the task's latest entry with the same path that an activity opened and no marker
//   has ended yet (and that did not fail or get cancelled, unless the marker has a failure);
//   otherwise it adds a new entry, placed before the latest `descendants` entries whose path is
//   below its own (but after any earlier entry of its own path), so that a composite task is
//   listed before the tasks inside it: entries are in the order the tasks started. So an
//   activity task followed by its marker is one entry, and every iteration of a loop adds its
//   own.
//
// * WorkflowExecutionCompleted → COMPLETED, output = the first result payload as compact JSON
//   text ("null" without a result).
// * WorkflowExecutionFailed → FAILED, error = ProblemFromFailure(failure).
// * WorkflowExecutionTimedOut → FAILED, error {type .../errors/timeout, status 408}.
// * WorkflowExecutionCanceled → CANCELLED, error {title "Execution cancelled", detail = the
//   reason given with the cancel request}; Terminated → CANCELLED, error {title "Execution
//   terminated", detail = the reason}. No type or status: no DSL error type fits.
// * A close event that names a new run (ContinuedAsNew; retry or cron runs of Completed, Failed
//   or TimedOut) → stays RUNNING with temporal_run_id = the new run.
// * ended_at = the final close event's time. Every other event is ignored.
//
// Secrets: the third input payload of every WorkflowExecutionStarted is the runtime values
// {"environment": {...}, "secrets": {name: value}}; the secret values are redacted (`***`,
// common/secret_redactor.h) from the output and the error before they enter the record.

namespace stigmer::server {

using HistoryEvent = ::temporal::api::history::v1::HistoryEvent;

inline constexpr char kTaskMarkerName[] = "stigmer.task";
inline constexpr char kTaskMarkerDetailsKey[] = "task";

// The DSL's standard error types (Serverless Workflow DSL 1.0, "Standard Error Types").
inline constexpr char kDslErrorTypePrefix[] = "https://serverlessworkflow.io/spec/1.0.0/errors/";
inline constexpr char kRuntimeErrorType[] =
    "https://serverlessworkflow.io/spec/1.0.0/errors/runtime";
inline constexpr char kTimeoutErrorType[] =
    "https://serverlessworkflow.io/spec/1.0.0/errors/timeout";

// Problem details from a workflow's failure. When application_failure_info's first details
// payload is a JSON object with a `type` (any type URI: a `raise` may use its own), or its type
// is a DSL error type URI (any "https://serverlessworkflow.io/spec/…"), the details' fields
// {type, status, title, detail, instance} (missing ones: type = the failure type, status = the
// type's standard status, title = failure.message). Anything else: type kRuntimeErrorType,
// status 500, title = failure.message, detail = the cause's message if any.
stigmer::v1::ProblemDetails ProblemFromFailure(
    const ::temporal::api::failure::v1::Failure& failure);

// The standard status of a DSL error type (configuration, validation, expression 400;
// authentication 401; authorization 403; timeout 408; communication, runtime and others 500).
int StandardErrorStatus(const std::string& type);

// Projects one workflow's history into an execution record, batch by batch, as a follower
// delivers it. Events must come in history order, runs in order; an event applied already (same
// run, event id not above the last applied) is skipped, so delivering a batch twice, or the
// whole history again, changes nothing. Not thread-safe.
class ExecutionProjection {
 public:
  // Starts from `execution`: its own fields (id, workflow, input, created_at, runtime, …) are
  // kept; the projected ones (phase, started_at, ended_at, tasks, output, error,
  // temporal_run_id) change as events are applied.
  explicit ExecutionProjection(stigmer::v1::Execution execution = {});

  // A projection of `execution` with its projected fields cleared: the state before the first
  // event, to rebuild the record from a complete history.
  static ExecutionProjection FromStart(stigmer::v1::Execution execution);

  void Apply(const std::vector<HistoryEvent>& events);
  void Apply(const HistoryEvent& event);

  const stigmer::v1::Execution& execution() const { return execution_; }

 private:
  void ApplyNew(const HistoryEvent& event);
  void OnActivityScheduled(const HistoryEvent& event);
  void OnActivityEnded(int64_t scheduled_event_id, stigmer::v1::TaskPhase phase,
                       const HistoryEvent& event);
  void OnMarker(const HistoryEvent& event);
  // Adds an entry for `path` at its place in start order; returns its index.
  int InsertTask(const std::string& path, int64_t descendants);
  void OnNewRun(const std::string& run_id);
  void OnClosed(stigmer::v1::ExecutionPhase phase, const HistoryEvent& event);
  void LearnSecrets(const ::temporal::api::common::v1::Payloads& input);
  stigmer::v1::ProblemDetails Redacted(stigmer::v1::ProblemDetails problem) const;

  stigmer::v1::Execution execution_;
  std::string run_id_;                         // the run whose events are being applied
  std::map<std::string, int64_t> last_event_;  // per run, the last event id applied
  std::map<int64_t, int> task_by_activity_;    // scheduled event id → task index (this run)
  std::vector<bool> ended_by_marker_;          // per task index
  std::string cancel_reason_;
  SecretRedactor redactor_;  // the values of the run's secrets
};

// Recomputes the projected fields of `execution` from `events`, a complete history (every
// event of a run from the first, possibly followed by the runs it continued as, e.g. what
// TemporalClient::GetFullHistory returned). The execution's own fields are kept. Applying the
// same history twice gives the same record. An empty history changes nothing.
void ApplyHistoryEvents(const std::vector<HistoryEvent>& events, stigmer::v1::Execution* execution);

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_EXECUTION_PROJECTION_H_

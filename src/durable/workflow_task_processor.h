#ifndef STIGMER_DURABLE_WORKFLOW_TASK_PROCESSOR_H_
#define STIGMER_DURABLE_WORKFLOW_TASK_PROCESSOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "durable/command_budget.h"
#include "durable/command_limits.h"
#include "durable/program.h"
#include "durable/replay_context.h"
#include "durable/replay_history.h"
#include "temporal/api/enums/v1/failed_cause.pb.h"

namespace stigmer::durable {

// The query the Temporal UI and CLI send for a workflow's "stack trace".
inline constexpr char kStackTraceQuery[] = "__stack_trace";

struct WorkflowTaskOptions {
  CommandOptions commands;
  // A run whose history reaches this many events fails with a runtime error (Temporal itself
  // refuses to go past 51,200).
  int64_t max_history_events = 20000;
  // A run whose history has reached this many events continues as new at the next safe point
  // (see ContinueAsNew), carrying at most max_carried_bytes of recorded steps.
  int64_t continue_as_new_events = 10000;
  size_t max_carried_bytes = 1 << 20;
  // What one answer may carry (see CheckCommandSizes).
  PayloadLimits payload_limits;
  // When set, a run runs only if its start carries this key's signature
  // (temporal/start_signature.h), and the runs it continues as new are signed with it.
  std::string signing_key;
  // The most bytes of commands one workflow task sends (see command_budget.h).
  size_t max_task_bytes = kMaxWorkflowTaskCommandBytes;
};

// The answer to one workflow task.
struct WorkflowTaskAnswer {
  // true: RespondWorkflowTaskCompleted with `commands`; false: RespondWorkflowTaskFailed with
  // `cause` and `message` (Temporal retries the task later; nothing is recorded for the run).
  bool completed = true;
  std::vector<Command> commands;
  ::temporal::api::enums::v1::WorkflowTaskFailedCause cause =
      ::temporal::api::enums::v1::WORKFLOW_TASK_FAILED_CAUSE_UNSPECIFIED;
  std::string message;
  // What the run waits on (the stack-trace query's answer), one line each.
  std::vector<std::string> waiting_on;
};

// Decides a workflow task by deterministic replay: indexes `events` (the run's whole history, up
// to the task's WorkflowTaskStarted `started_event_id`), loads the run with `program` and re-runs
// it from the start against the history, and answers with the commands for the steps history
// does not hold yet, followed by the run's completion or failure when it ended.
//
// - With a signing_key, a start whose signature is missing or wrong → the run fails with an
//   authorization error (403) before any step runs.
// - A cancel request in history → CancelWorkflowExecution (the execution ends CANCELLED).
// - A suspended run whose history reached continue_as_new_events → ContinueAsNew, when safe.
// - A run that asks to continue as new (kContinueAsNew) → ContinueAsNewWith its next input,
//   signed.
// - An input the program cannot load, a history over max_history_events, or a value
//   over payload_limits → the run fails with a DSL error saying so (runtime; 413 for a value).
// - A run that ends in this task keeps its result or error; task markers beyond max_task_bytes
//   or max_history_events are dropped (see DropMarkersToFit). A run that goes on waiting but
//   whose new commands exceed max_task_bytes fails with "Workflow task too large".
// - An uncaught error → FailWorkflowExecution whose application_failure_info carries the
//   error type and the problem details (see execution_projection.h).
// - Non-determinism → the task fails with NON_DETERMINISTIC_ERROR and the message names the
//   step; a history that cannot be read → the task fails with UNHANDLED_FAILURE.
// - A worker failure the program reports (ProgramRun::WorkerFailure) → the task fails with
//   UNHANDLED_FAILURE (Temporal hands it out again).
// No I/O of its own; thread-safe as long as `program` is.
WorkflowTaskAnswer ProcessWorkflowTask(const std::vector<HistoryEvent>& events,
                                       const std::string& workflow_id, int64_t started_event_id,
                                       const WorkflowTaskOptions& options, Program& program);

}  // namespace stigmer::durable

#endif  // STIGMER_DURABLE_WORKFLOW_TASK_PROCESSOR_H_

#ifndef STIGMER_WORKFLOW_WORKFLOW_RUNNER_H_
#define STIGMER_WORKFLOW_WORKFLOW_RUNNER_H_

#include "absl/status/status.h"
#include "activities/activity_control.h"
#include "activities/activity_kinds.h"
#include "temporal/temporal_client.h"
#include "temporal/worker_options.h"
#include "workflow/serverless_program.h"

namespace stigmer::workflow {

// The Temporal task queue that workflow executions are started on.
using temporal::kWorkflowTaskQueue;

// OK when EXECUTION_MODE is unset, empty or "temporal" (the only mode there is);
// InvalidArgument naming the value otherwise.
absl::Status CheckExecutionMode(const EnvironmentLookup& lookup);

// The guards of workflow-runner, from the environment:
//   STIGMER_MAX_ITERATIONS      iterations of one `for` / backward jumps of one list (10000)
//   STIGMER_MAX_HISTORY_EVENTS  events one run's history may reach (20000)
//   STIGMER_CONTINUE_AS_NEW_EVENTS  events after which a run continues as new (10000)
//   STIGMER_MAX_OUTPUT_BYTES    bytes of an HTTP response body or of a shell task's stdout or
//                               stderr (1048576)
//   STIGMER_EXPRESSION_TIMEOUT_MS  time one runtime expression may take (2000)
//   STIGMER_EXPRESSION_MEMORY_MB   memory the expressions of one workflow task may use (256)
//   STIGMER_MAX_PAYLOAD_BYTES   bytes of one value sent to Temporal: an expression's result, a
//                               task's output, an activity's input (2097152)
//   and ReadActivitySettings' timeouts and pollers per activity kind; http and shell
//   activities are scheduled on queues of their own (ScheduleActivitiesByKind).
// InvalidArgument naming the variable when one is not a positive number.
struct RunnerSettings {
  ServerlessWorkflowOptions workflow;
  activities::ActivityLimits activity;
  activities::ActivitySlots slots;
};
absl::StatusOr<RunnerSettings> RunnerSettingsFromEnvironment(const EnvironmentLookup& lookup);

// The body of `stigmer internal workflow-runner`; returns its exit code. Checks EXECUTION_MODE,
// reads WorkerOptionsFromEnvironment for kWorkflowTaskQueue (TEMPORAL_SERVICE_ADDRESS,
// STIGMER_READY_FD, pollers) and RunnerSettingsFromEnvironment, and runs temporal::RunWorker
// (polling the per-kind activity queues too; STIGMER_ACTIVITY_POLLERS, default 1 here, only
// serves activities scheduled on kWorkflowTaskQueue by an earlier version)
// with the ServerlessProgram on the durable core (expressions in sandboxes of this binary) and
// the http and shell activities. Exit 2 with the reason on stderr
// when the environment is invalid; otherwise RunWorker's code (0 after SIGTERM/SIGINT).
int RunWorkflowRunner();

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_WORKFLOW_RUNNER_H_

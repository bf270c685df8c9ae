#ifndef STIGMER_WORKFLOW_WORKFLOW_RUNNER_H_
#define STIGMER_WORKFLOW_WORKFLOW_RUNNER_H_

#include "absl/status/status.h"
#include "temporal/worker_options.h"

namespace stigmer::workflow {

// The Temporal task queue that workflow executions are started on.
inline constexpr char kWorkflowTaskQueue[] = "stigmer-workflows";

// OK when EXECUTION_MODE is unset, empty or "temporal" (the only mode there is);
// InvalidArgument naming the value otherwise.
absl::Status CheckExecutionMode(const EnvironmentLookup& lookup);

// The body of `stigmer internal workflow-runner`; returns its exit code. Checks EXECUTION_MODE,
// reads WorkerOptionsFromEnvironment for kWorkflowTaskQueue (TEMPORAL_SERVICE_ADDRESS,
// STIGMER_READY_FD) and runs temporal::RunWorker. Exit 2 with the reason on stderr when the
// environment is invalid; otherwise RunWorker's code (0 after SIGTERM/SIGINT).
int RunWorkflowRunner();

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_WORKFLOW_RUNNER_H_

#ifndef STIGMER_AGENT_AGENT_RUNNER_H_
#define STIGMER_AGENT_AGENT_RUNNER_H_

namespace stigmer::agent {

// The Temporal task queue that agent executions are started on.
inline constexpr char kAgentTaskQueue[] = "stigmer-agents";

// The body of `stigmer internal agent-runner`; returns its exit code. Reads
// WorkerOptionsFromEnvironment for kAgentTaskQueue (TEMPORAL_SERVICE_ADDRESS, STIGMER_READY_FD)
// and runs temporal::RunWorker. Exit 2 with the reason on stderr when the environment is
// invalid; otherwise RunWorker's code (0 after SIGTERM/SIGINT).
int RunAgentRunner();

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_AGENT_RUNNER_H_

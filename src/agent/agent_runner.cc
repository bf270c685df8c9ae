#include "agent/agent_runner.h"

#include <cstdio>
#include <string>

#include "temporal/worker_main.h"
#include "temporal/worker_options.h"

namespace stigmer::agent {

int RunAgentRunner() {
  absl::StatusOr<temporal::WorkerOptions> options =
      temporal::WorkerOptionsFromEnvironment(ProcessEnvironment(), kAgentTaskQueue);
  if (!options.ok()) {
    std::fprintf(stderr, "agent-runner: %s\n", std::string(options.status().message()).c_str());
    return 2;
  }
  return temporal::RunWorker(*options);
}

}  // namespace stigmer::agent

#include "agent/agent_runner.h"

#include <cstdio>
#include <string>

#include "config/paths.h"
#include "temporal/payload_codec.h"
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
  absl::StatusOr<std::shared_ptr<const temporal::PayloadCodec>> codec =
      temporal::LoadOrCreatePayloadCodec(config::Paths::FromEnvironment().PayloadKeyFile());
  if (!codec.ok()) {
    std::fprintf(stderr, "agent-runner: %s\n", std::string(codec.status().message()).c_str());
    return 1;
  }
  options->payload_codec = *std::move(codec);
  return temporal::RunWorker(*options);
}

}  // namespace stigmer::agent

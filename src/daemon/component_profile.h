#ifndef STIGMER_DAEMON_COMPONENT_PROFILE_H_
#define STIGMER_DAEMON_COMPONENT_PROFILE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "config/config.h"
#include "supervisor/component_spec.h"

namespace stigmer::daemon {

// The stigmer stack as the generic supervisor sees it (DESIGN.md, "Processes").
struct StackProfile {
  std::vector<supervisor::ComponentSpec> components;  // start order
  std::vector<std::string> stop_order;
  std::map<std::string, std::string> endpoints;  // component → what users connect to
};

// Component names, in start order, and in the seed's stop order.
inline constexpr const char* kTemporal = "temporal";
inline constexpr const char* kStigmerServer = "stigmer-server";
inline constexpr const char* kWorkflowRunner = "workflow-runner";
inline constexpr const char* kAgentRunner = "agent-runner";
// Optional, last to start and first to stop: the local model, when llm.provider is `local`.
inline constexpr const char* kLlm = "llm";
// Every component the daemon may run, in start order (kLlm included).
std::vector<std::string> ComponentNames();

// Builds the components from the configuration: the four, then kLlm when
// config.llm_is_local() (llama.cpp's server from xllamacpp on the local model, ready when GET
// /health answers 200). agent-runner gets STIGMER_LLM_PROVIDER, STIGMER_LLM_MODEL and
// STIGMER_LLM_BASE_URL (the local server's /v1 when local). `self` is this stigmer binary (run as
// `stigmer internal <component>`), `environment` the daemon's own ("K=V"), which children
// inherit. Our own workers get a watchdog: a heartbeat every STIGMER_WORKER_HEARTBEAT_MS (from
// `environment`, default 5000), 3 missed make them unhealthy and restarted. Fails when a
// managed Temporal is wanted but no Temporal CLI can be found, when the local model is wanted but
// not installed (NotFound, see config::FindLlmProgram), or (InvalidArgument) when
// STIGMER_WORKER_HEARTBEAT_MS is not a number from 100 to 600000.
absl::StatusOr<StackProfile> BuildStackProfile(const config::Config& config,
                                               const std::string& self,
                                               const std::vector<std::string>& environment);

}  // namespace stigmer::daemon

#endif  // STIGMER_DAEMON_COMPONENT_PROFILE_H_

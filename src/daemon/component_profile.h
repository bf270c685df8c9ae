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
std::vector<std::string> ComponentNames();

// Builds the four components from the configuration. `self` is this stigmer binary (run as
// `stigmer internal <component>`), `environment` the daemon's own ("K=V"), which children
// inherit. Our own workers get a watchdog: a heartbeat every STIGMER_WORKER_HEARTBEAT_MS (from
// `environment`, default 5000), 3 missed make them unhealthy and restarted. Fails when a
// managed Temporal is wanted but no Temporal CLI can be found, or (InvalidArgument) when
// STIGMER_WORKER_HEARTBEAT_MS is not a number from 100 to 600000.
absl::StatusOr<StackProfile> BuildStackProfile(const config::Config& config,
                                               const std::string& self,
                                               const std::vector<std::string>& environment);

}  // namespace stigmer::daemon

#endif  // STIGMER_DAEMON_COMPONENT_PROFILE_H_

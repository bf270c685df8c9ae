#ifndef STIGMER_SERVER_SUB_AGENT_RESOLVER_H_
#define STIGMER_SERVER_SUB_AGENT_RESOLVER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "server/store/store.h"

namespace stigmer::server {

// How deep sub-agents may call sub-agents: an agent, its sub-agents, theirs… this many levels.
inline constexpr int kMaxSubAgentDepth = 5;

// The sub-agents `document` (an agent document) names, each at its latest version, resolved
// recursively into the shape a run's start carries (agent/sub_agents.h):
//   {"<name>": {"document": <its document>, "sub_agents": {...}}}
// `chain` is the agents above, the outermost first, ending with this document's own name.
// FailedPrecondition naming a sub-agent that does not exist (and which agent names it), a
// cycle (the chain that loops), or sub-agents nested deeper than kMaxSubAgentDepth.
absl::StatusOr<nlohmann::json> ResolveSubAgents(store::Store& store, const nlohmann::json& document,
                                                const std::vector<std::string>& chain);

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_SUB_AGENT_RESOLVER_H_

#include "server/sub_agent_resolver.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "agent/agent_document.h"

namespace stigmer::server {

using json = nlohmann::json;

absl::StatusOr<json> ResolveSubAgents(store::Store& store, const json& document,
                                      const std::vector<std::string>& chain) {
  json resolved = json::object();
  auto names = document.find("sub_agents");
  if (names == document.end() || !names->is_array() || names->empty()) return resolved;
  const std::string parent = chain.empty() ? document.value("name", "") : chain.back();
  if (static_cast<int>(chain.size()) > kMaxSubAgentDepth) {
    return absl::FailedPreconditionError(absl::StrCat(
        "sub-agents are nested more than ", kMaxSubAgentDepth, " levels deep: ",
        absl::StrJoin(chain, " → "), "; flatten the agents so that fewer call each other"));
  }
  for (const json& entry : *names) {
    if (!entry.is_string()) continue;
    const std::string name = entry.get<std::string>();
    std::vector<std::string> below = chain;
    below.push_back(name);
    if (std::find(chain.begin(), chain.end(), name) != chain.end()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "agent \"", name, "\" calls itself through its sub-agents: ", absl::StrJoin(below, " → "),
          "; remove one of these sub_agents entries"));
    }
    absl::StatusOr<stigmer::v1::Agent> agent = store.GetAgent(name, 0);
    if (absl::IsNotFound(agent.status())) {
      return absl::FailedPreconditionError(
          absl::StrCat("agent \"", parent, "\" names sub-agent \"", name,
                       "\", which does not exist: apply it first (`stigmer apply -f`)"));
    }
    if (!agent.ok()) return agent.status();
    absl::StatusOr<agent::AgentDocument> parsed = agent::ParseAgentDocument(agent->definition());
    if (!parsed.ok()) return parsed.status();
    json sub_document = json::parse(parsed->json.dump());
    absl::StatusOr<json> nested = ResolveSubAgents(store, sub_document, below);
    if (!nested.ok()) return nested.status();
    json sub = {{"document", std::move(sub_document)}};
    if (!nested->empty()) sub["sub_agents"] = *std::move(nested);
    resolved[name] = std::move(sub);
  }
  return resolved;
}

}  // namespace stigmer::server

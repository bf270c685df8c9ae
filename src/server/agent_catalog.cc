#include "server/agent_catalog.h"

#include "absl/time/clock.h"
#include "agent/agent_document.h"
#include "agent/skills.h"
#include "server/workflow_catalog.h"

namespace stigmer::server {

absl::StatusOr<store::AgentApplyResult> ApplyAgentDocument(store::Store& store,
                                                           const std::string& definition,
                                                           bool dry_run) {
  absl::StatusOr<agent::AgentDocument> document = agent::ParseAgentDocument(definition);
  if (!document.ok()) return document.status();
  const nlohmann::ordered_json& json = document->json;
  if (absl::Status bundled = agent::RequireBundledSkills(json); !bundled.ok()) return bundled;
  stigmer::v1::Agent draft;
  draft.set_name(document->name);
  draft.set_description(document->description);
  draft.set_model_provider("local");
  if (auto model = json.find("model"); model != json.end()) {
    draft.set_model_provider(model->value("provider", "local"));
    draft.set_model_name(model->value("name", ""));
  }
  if (auto tools = json.find("tools"); tools != json.end()) {
    for (const auto& tool : *tools) draft.add_tools(tool.get<std::string>());
  }
  if (auto servers = json.find("mcp_servers"); servers != json.end()) {
    for (const auto& server : *servers) draft.add_mcp_servers(server["name"].get<std::string>());
  }
  draft.set_definition(definition);
  draft.set_digest(Sha256Hex(definition));
  return store.ApplyAgent(draft, absl::Now(), dry_run);
}

}  // namespace stigmer::server

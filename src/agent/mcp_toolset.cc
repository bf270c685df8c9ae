#include "agent/mcp_toolset.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/json_fields.h"

namespace stigmer::agent {
namespace {

using json = nlohmann::json;

constexpr size_t kMaxNameLength = 64;
constexpr size_t kHashedPrefixLength = 55;  // + '_' + 8 hex digits = 64

bool NameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

std::string Cleaned(const std::string& text) {
  std::string cleaned = text;
  std::replace_if(
      cleaned.begin(), cleaned.end(), [](char c) { return !NameChar(c); }, '_');
  return cleaned;
}

uint32_t Fnv1a(const std::string& text) {
  uint32_t hash = 2166136261u;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash;
}

std::string HashedName(const std::string& name, const std::string& server,
                       const std::string& tool) {
  return absl::StrFormat("%s_%08x", name.substr(0, kHashedPrefixLength),
                         Fnv1a(absl::StrCat(server, "/", tool)));
}

// A schema the providers take for a function's parameters: always an object schema.
json ParametersSchema(const json& schema) {
  if (!schema.is_object()) return {{"type", "object"}, {"properties", json::object()}};
  json parameters = schema;
  if (!parameters.contains("type")) parameters["type"] = "object";
  return parameters;
}

}  // namespace

std::string McpModelToolName(const std::string& server, const std::string& tool) {
  const std::string name = absl::StrCat(Cleaned(server), "__", Cleaned(tool));
  return name.size() <= kMaxNameLength ? name : HashedName(name, server, tool);
}

absl::StatusOr<std::vector<McpTool>> EnabledMcpTools(
    const std::string& server, std::vector<McpTool> tools,
    const std::optional<std::vector<std::string>>& enabled) {
  if (!enabled) return tools;
  std::set<std::string> wanted(enabled->begin(), enabled->end());
  std::vector<McpTool> kept;
  std::vector<std::string> offered;
  for (McpTool& tool : tools) {
    offered.push_back(tool.name);
    if (wanted.erase(tool.name) > 0) kept.push_back(std::move(tool));
  }
  if (!wanted.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("enabled_tools of the MCP server ", server, " names ",
                     absl::StrJoin(wanted, ", "), ", which the server does not offer; it offers: ",
                     offered.empty() ? "no tools" : absl::StrJoin(offered, ", ")));
  }
  return kept;
}

json McpToolsToJson(const std::vector<McpTool>& tools) {
  json listed = json::array();
  for (const McpTool& tool : tools) {
    listed.push_back({{"name", tool.name},
                      {"description", tool.description},
                      {"inputSchema", tool.input_schema}});
  }
  return {{"tools", std::move(listed)}};
}

std::vector<McpTool> McpToolsFromJson(const json& listed) {
  std::vector<McpTool> tools;
  const auto found = listed.is_object() ? listed.find("tools") : listed.end();
  if (found == listed.end() || !found->is_array()) return tools;
  for (const json& item : *found) {
    McpTool tool{.name = StringAt(item, "name"), .description = StringAt(item, "description")};
    if (tool.name.empty()) continue;
    if (auto schema = item.find("inputSchema"); schema != item.end()) tool.input_schema = *schema;
    tools.push_back(std::move(tool));
  }
  return tools;
}

void McpToolset::AddServer(const std::string& server, const std::vector<McpTool>& tools,
                           const std::vector<std::string>& needs_approval) {
  const auto approval = [&](const std::string& tool) {
    return std::any_of(needs_approval.begin(), needs_approval.end(), [&](const std::string& entry) {
      return entry == server || entry == absl::StrCat(server, "/", tool);
    });
  };
  for (const McpTool& tool : tools) {
    std::string name = McpModelToolName(server, tool.name);
    if (by_name_.count(name) > 0) name = HashedName(name, server, tool.name);
    if (by_name_.count(name) > 0) continue;  // a hash collision too: the first one keeps it
    AgentTool agent_tool;
    agent_tool.spec.name = name;
    agent_tool.spec.description = tool.description.empty()
                                      ? absl::StrCat(tool.name, " (MCP server ", server, ")")
                                      : tool.description;
    agent_tool.spec.parameters = ParametersSchema(tool.input_schema);
    agent_tool.runner = absl::StrCat(kMcpRunnerPrefix, server);
    agent_tool.needs_approval = approval(tool.name);
    tools_.push_back(std::move(agent_tool));
    by_name_[name] = {server, tool.name};
  }
}

const McpToolRef* McpToolset::Find(const std::string& model_name) const {
  const auto found = by_name_.find(model_name);
  return found == by_name_.end() ? nullptr : &found->second;
}

}  // namespace stigmer::agent

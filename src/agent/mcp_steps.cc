#include "agent/mcp_steps.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/json_fields.h"
#include "workflow/json_pointer.h"

namespace stigmer::agent {
namespace {

using json = nlohmann::json;

std::vector<std::string> Strings(const json& document, const char* key) {
  std::vector<std::string> strings;
  const auto found = document.find(key);
  if (found == document.end() || !found->is_array()) return strings;
  for (const json& item : *found) {
    if (item.is_string()) strings.push_back(item.get<std::string>());
  }
  return strings;
}

}  // namespace

std::string McpToolsPath(const std::string& server) {
  return absl::StrCat(workflow::JsonPointerAppend("/mcp", server), "/tools");
}

absl::StatusOr<McpListing> ListMcpTools(durable::WorkflowContext& context, const json& document) {
  McpListing listing;
  const auto servers = document.find("mcp_servers");
  if (servers == document.end() || !servers->is_array()) {
    listing.state = McpListing::State::kDone;
    return listing;
  }
  const std::vector<std::string> needs_approval = Strings(document, "needs_approval");
  bool pending = false;
  for (const json& entry : *servers) {
    const std::string server = StringAt(entry, "name");
    const std::string path = McpToolsPath(server);
    absl::StatusOr<durable::ActivityOutcome> outcome =
        context.CallActivity(path, kMcpListActivity, {{"task", path}, {"server", server}});
    if (!outcome.ok()) return outcome.status();
    switch (outcome->state) {
      case durable::ActivityOutcome::State::kPending:
        pending = true;
        break;
      case durable::ActivityOutcome::State::kFailed: {
        const durable::WorkflowError& error = outcome->error;
        listing.state = McpListing::State::kFailed;
        // The detail names the server (mcp_activities.h).
        listing.error = absl::StrCat("the agent's MCP tools could not be listed: ",
                                     error.detail.empty() ? error.title : error.detail);
        return listing;
      }
      case durable::ActivityOutcome::State::kCompleted:
        listing.toolset.AddServer(server, McpToolsFromJson(outcome->output), needs_approval);
        break;
    }
  }
  listing.state = pending ? McpListing::State::kPending : McpListing::State::kDone;
  return listing;
}

absl::StatusOr<ToolActivity> McpToolActivity(const McpToolset& toolset, const ToolCall& call,
                                             const std::string& path) {
  const McpToolRef* tool = toolset.Find(call.name);
  if (tool == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", call.name, "\" is not a tool of this agent's MCP servers"));
  }
  return ToolActivity{kMcpCallActivity,
                      {{"task", path},
                       {"server", tool->server},
                       {"tool", tool->tool},
                       {"arguments", call.arguments}}};
}

ToolOutput McpToolOutput(const json& output) {
  const auto is_error = output.is_object() ? output.find("is_error") : output.end();
  return {StringAt(output, "text"),
          is_error != output.end() && is_error->is_boolean() && is_error->get<bool>()};
}

}  // namespace stigmer::agent

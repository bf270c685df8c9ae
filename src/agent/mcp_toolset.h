#ifndef STIGMER_AGENT_MCP_TOOLSET_H_
#define STIGMER_AGENT_MCP_TOOLSET_H_

// MCP servers' tools as an agent's tools: the names the model sees, the `enabled_tools` filter,
// `needs_approval`, and the recorded tool lists (the result of the "mcp.list" activity).
//
// Names: the model sees "<server>__<tool>" (two underscores), because OpenAI's function names
// must match [a-zA-Z0-9_-]{1,64} and tools of different servers may share a name. Characters
// outside that set become '_'. A name longer than 64 characters, or one taken already (two
// tools that read alike once cleaned, "a.b" and "a_b"), is cut to 55 and ends with '_' and the
// 8 hex digits of the FNV-1a hash of "<server>/<tool>": the same on every replay, and distinct.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "agent/agent_loop.h"
#include "agent/mcp/mcp_client.h"
#include "nlohmann/json.hpp"

namespace stigmer::agent {

inline constexpr char kMcpListActivity[] = "mcp.list";
inline constexpr char kMcpCallActivity[] = "mcp.call";
// AgentTool::runner of a server's tools: "mcp:<server>".
inline constexpr char kMcpRunnerPrefix[] = "mcp:";

// The name the model sees for `tool` of `server` (before collisions are resolved).
std::string McpModelToolName(const std::string& server, const std::string& tool);

// The tools `enabled` names, in the server's order; all of them when `enabled` is nullopt (the
// document has no `enabled_tools`). InvalidArgument naming the server, the unknown names and
// what the server offers when `enabled` names a tool the server does not have (a typo would
// otherwise hide a tool without a word).
absl::StatusOr<std::vector<McpTool>> EnabledMcpTools(
    const std::string& server, std::vector<McpTool> tools,
    const std::optional<std::vector<std::string>>& enabled);

// The result of "mcp.list": {"tools": [{"name", "description", "inputSchema"}]}, and back.
nlohmann::json McpToolsToJson(const std::vector<McpTool>& tools);
std::vector<McpTool> McpToolsFromJson(const nlohmann::json& listed);

// A tool of a server, as the model's name for it leads back to it.
struct McpToolRef {
  std::string server;
  std::string tool;
};

// The MCP tools of one run, built from the recorded lists.
class McpToolset {
 public:
  // Adds `server`'s tools (in order) as agent tools. needs_approval: entries naming the server
  // ("fs") or one of its tools ("fs/write_file") mark those tools.
  void AddServer(const std::string& server, const std::vector<McpTool>& tools,
                 const std::vector<std::string>& needs_approval);

  const std::vector<AgentTool>& tools() const { return tools_; }
  // The tool behind a name the model used; nullptr when it is not one of these.
  const McpToolRef* Find(const std::string& model_name) const;

 private:
  std::vector<AgentTool> tools_;
  std::map<std::string, McpToolRef> by_name_;
};

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_MCP_TOOLSET_H_

#ifndef STIGMER_AGENT_MCP_LAUNCH_H_
#define STIGMER_AGENT_MCP_LAUNCH_H_

// How an `mcp_servers` entry of an agent document becomes the process started for one run.
//
// Environment: a server does not inherit agent-runner's environment (which holds the model API
// keys). It gets HOME, LOGNAME, PATH, SHELL, TERM and USER from it (what MCP's reference SDKs
// pass down by default), then its own `env`: a string as it is, {env: NAME} from agent-runner's
// environment, {secret: NAME} from the run's secrets. Its command is looked for in that PATH.
// Working folder: `working_dir` beneath the run's workspace (made when missing), the workspace
// itself by default; never outside it ('..', an absolute path or a symlink out are refused).

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "agent/mcp/mcp_client.h"
#include "common/environment.h"
#include "nlohmann/json.hpp"

namespace stigmer::agent {

struct McpServerLaunch {
  McpServerConfig config;
  std::optional<std::vector<std::string>> enabled_tools;  // nullopt: every tool
};

// The entry of `document` named `server`, resolved for a run with `secrets` and `workspace`.
// Errors name the server: NotFound when the document has no such entry; FailedPrecondition for
// an {env} or {secret} value that is missing (saying how to give it); PermissionDenied for a
// working_dir outside the workspace; the workspace's own errors.
absl::StatusOr<McpServerLaunch> ResolveMcpServer(const nlohmann::json& document,
                                                 const std::string& server,
                                                 const nlohmann::json& secrets,
                                                 const EnvironmentLookup& environment,
                                                 const std::string& workspace);

// The command line of `launch`, for messages: "npx -y @modelcontextprotocol/server-filesystem .".
std::string McpCommandLine(const McpServerConfig& config);

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_MCP_LAUNCH_H_

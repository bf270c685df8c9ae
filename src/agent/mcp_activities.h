#ifndef STIGMER_AGENT_MCP_ACTIVITIES_H_
#define STIGMER_AGENT_MCP_ACTIVITIES_H_

// agent-runner's MCP activities, on a pool of the servers its runs use (mcp_server_pool.h):
//   "mcp.list"  request {"task": "/mcp/<server>/tools", "server"}: the server's tools as
//               McpToolsToJson, filtered by its `enabled_tools`;
//   "mcp.call"  request {"task", "server", "tool", "arguments"}: {"text": what the model reads
//               (McpResultText, cut to kMaxToolTextBytes), "is_error": the tool reported a
//               failure (isError)}.
// A server's command, env and working folder come from the agent document and the secrets in
// the start of the run's history (mcp_launch.h), read only when a server must be started: no
// request carries them, nor a secret.
//
// Errors, problem details at the request's task, with the run's secret values redacted:
//   configuration (400) "MCP server not configured": a missing {env}/{secret}, a working_dir
//     outside the workspace, enabled_tools naming a tool the server lacks;
//   communication (500) "MCP server unavailable": it could not be started (its command not
//     found, it exited: its last words) or broke the protocol; the detail names the server and
//     its command line;
//   timeout (408) "MCP call timed out": no answer within the call timeout (the server is kept);
//   communication (500) "MCP call failed": the server died, was started again, and the call
//     failed again.
// None is retried by Temporal: the run decides (a failed list fails the run; a failed call is
// an error the model reads).

#include <functional>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "activities/activity_dispatcher.h"
#include "agent/agent_program.h"
#include "agent/mcp/mcp_server_pool.h"
#include "agent/mcp_launch.h"
#include "common/environment.h"
#include "common/secret_redactor.h"
#include "durable/replay_history.h"

namespace stigmer::agent {

// How long MCP steps may take, and how long an idle server is kept.
struct McpLimits {
  absl::Duration list_timeout = absl::Seconds(60);  // after the server's start
  absl::Duration call_timeout = absl::Minutes(5);
  McpServerPoolOptions pool;
};

struct McpActivityOptions {
  // The run's history as it is now (every page).
  std::function<absl::StatusOr<std::vector<durable::HistoryEvent>>(
      const activities::ActivityInfo& info)>
      read_history;
  std::shared_ptr<AgentProgram> program;  // reads the run's start (ReadAgentRun)
  EnvironmentLookup environment;          // agent-runner's, for {env: NAME} and what is inherited
  McpLimits limits;
};

// Thread-safe; the servers stop when it is destroyed.
class McpActivities {
 public:
  explicit McpActivities(McpActivityOptions options);

  activities::ActivityResult List(const activities::ActivityInfo& info,
                                  const nlohmann::json& request,
                                  activities::ActivityControl& control);
  activities::ActivityResult Call(const activities::ActivityInfo& info,
                                  const nlohmann::json& request,
                                  activities::ActivityControl& control);

 private:
  struct Launch {
    McpServerLaunch server;
    SecretRedactor redactor;
  };
  absl::StatusOr<Launch> Resolve(const activities::ActivityInfo& info, const std::string& server);

  const McpActivityOptions options_;
  McpServerPool pool_;
};

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_MCP_ACTIVITIES_H_

#ifndef STIGMER_AGENT_MCP_MCP_CLIENT_H_
#define STIGMER_AGENT_MCP_MCP_CLIENT_H_

// A client of one MCP server, over stdio (the server is a child process, its own process group,
// killed with the worker, spoken to in JSON-RPC lines: mcp_stdio_transport.h) or over Streamable
// HTTP (a server at a URL: mcp_http_transport.h). The handshake is
// `initialize` then the `notifications/initialized` notification; then `tools/list` and
// `tools/call`. Notifications that arrive between answers are skipped; a request from the server
// (roots, sampling, elicitation) is answered "method not found" so that it never waits on us;
// `ping` is answered.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "agent/mcp/json_rpc_lines.h"
#include "agent/mcp/mcp_transport.h"
#include "nlohmann/json.hpp"

namespace stigmer::agent {

inline constexpr char kMcpProtocolVersion[] = "2025-06-18";

struct McpServerConfig {
  std::string name;  // for messages: "the MCP server fs"
  // Set: the server is at this URL (Streamable HTTP), `headers` go with every message, and
  // argv, env and working_dir are unused.
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::string> argv;  // argv[0] found on PATH by Start when it has no '/'
  std::vector<std::string> env;   // the whole environment, "NAME=value"
  std::string working_dir;        // empty: the worker's own
  size_t max_message_bytes = 16 * 1024 * 1024;
};

struct McpTool {
  std::string name;
  std::string description;
  nlohmann::json input_schema = nlohmann::json::object();
};

struct McpCallResult {
  std::string text;        // the text content items joined; other items as "[image …]"
  bool is_error = false;   // the tool itself reported a failure (the model should see it)
  nlohmann::json content;  // the content as the server sent it (and structuredContent)
};

// Not thread-safe: one activity uses one client at a time.
class McpClient {
 public:
  // Starts the server and performs the handshake within `timeout`. Errors name the server: its
  // command not found (with the PATH searched), it exited (with the end of its stderr), it did
  // not answer in time, or it answered the handshake with an error. `keep_going` is asked about
  // once a second while the server starts (an activity heartbeats so: `npx` may take a while);
  // Cancelled when it says false.
  static absl::StatusOr<std::unique_ptr<McpClient>> Start(
      const McpServerConfig& config, absl::string_view search_path, absl::Duration timeout,
      const std::function<bool()>& keep_going = [] { return true; });
  // Use Start(); the key keeps construction to this class.
  class Key {
    friend class McpClient;
    Key() = default;
  };
  McpClient(Key, McpServerConfig config, std::unique_ptr<McpTransport> transport);
  ~McpClient();
  McpClient(const McpClient&) = delete;
  McpClient& operator=(const McpClient&) = delete;

  // Every tool the server offers (following `nextCursor`, at most 50 pages); `keep_going` as
  // for Start.
  absl::StatusOr<std::vector<McpTool>> ListTools(
      absl::Duration timeout, const std::function<bool()>& keep_going = [] { return true; });

  // Calls a tool. `keep_going` is asked about once a second; when it says false the call is
  // cancelled (notifications/cancelled) and Cancelled returned. DeadlineExceeded past `timeout`.
  absl::StatusOr<McpCallResult> CallTool(const std::string& name, const nlohmann::json& arguments,
                                         absl::Duration timeout,
                                         const std::function<bool()>& keep_going);

  // Sends any request (`method`, `params`) and returns its JSON-RPC result; cancellation and
  // errors as for CallTool (a JSON-RPC error is FailedPrecondition naming its code and message).
  absl::StatusOr<nlohmann::json> Call(const std::string& method, const nlohmann::json& params,
                                      absl::Duration timeout,
                                      const std::function<bool()>& keep_going);

  // False once the server has exited or broke the protocol; the caller starts a new client.
  bool alive() const { return transport_->alive(); }

  const nlohmann::json& server_info() const { return server_info_; }

 private:
  absl::StatusOr<nlohmann::json> Request(const std::string& method, const nlohmann::json& params,
                                         absl::Time deadline,
                                         const std::function<bool()>& keep_going);

  McpServerConfig config_;
  std::unique_ptr<McpTransport> transport_;
  int64_t next_id_ = 1;
  nlohmann::json server_info_;
};

// The text a call result shows the model: text items joined by newlines; images, audio and
// resources as a short placeholder; structuredContent as JSON when there is no text.
std::string McpResultText(const nlohmann::json& result);

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_MCP_MCP_CLIENT_H_

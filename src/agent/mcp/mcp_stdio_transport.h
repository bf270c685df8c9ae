#ifndef STIGMER_AGENT_MCP_MCP_STDIO_TRANSPORT_H_
#define STIGMER_AGENT_MCP_MCP_STDIO_TRANSPORT_H_

#include <memory>
#include <string>

#include "activities/shell_process.h"
#include "agent/mcp/json_rpc_lines.h"
#include "agent/mcp/mcp_transport.h"

namespace stigmer::agent {

struct McpServerConfig;

// An MCP server as a child process (its own process group, killed with this object) spoken to
// in JSON-RPC lines on its stdin and stdout; its stderr is kept (the last few KiB) for the
// message when it dies.
class McpStdioTransport final : public McpTransport {
 public:
  // Starts config.argv (argv[0] found on `search_path` when it has no '/'). NotFound naming the
  // PATH searched when it is not there.
  static absl::StatusOr<std::unique_ptr<McpStdioTransport>> Start(const McpServerConfig& config,
                                                                  absl::string_view search_path);
  McpStdioTransport(std::string name, size_t max_message_bytes, activities::ShellProcess process);
  ~McpStdioTransport() override;

  absl::Status Send(const std::string& message, absl::Time deadline,
                    const std::function<bool()>& keep_going) override;
  absl::StatusOr<std::string> Receive(absl::Time deadline,
                                      const std::function<bool()>& keep_going) override;
  bool alive() const override { return alive_; }

 private:
  absl::Status Died(absl::string_view doing);

  const std::string name_;
  activities::ShellProcess process_;
  LineSplitter stdout_lines_;
  std::string stderr_tail_;  // the last few KiB the server wrote to stderr
  bool alive_ = true;
};

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_MCP_MCP_STDIO_TRANSPORT_H_

#ifndef STIGMER_AGENT_MCP_MCP_HTTP_TRANSPORT_H_
#define STIGMER_AGENT_MCP_MCP_HTTP_TRANSPORT_H_

// MCP's Streamable HTTP transport (protocol 2025-06-18), client side: every message is a POST
// to the server's endpoint; the answers to a request come back in that POST's response, as one
// JSON message (application/json) or as server-sent events (text/event-stream) whose `data` are
// messages. The session id the server gives in its answer to `initialize` (Mcp-Session-Id) goes
// with every later message, and the session is ended (DELETE) with this object. No stream is
// opened for messages the server would send on its own (GET): a call only waits for its answer.

#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "agent/mcp/mcp_transport.h"

namespace stigmer::agent {

// The messages in a response body of type `content_type`: a JSON message or batch (array), or
// the `data` of each server-sent event. InvalidArgument naming what is wrong otherwise.
absl::StatusOr<std::vector<std::string>> McpHttpMessages(absl::string_view content_type,
                                                         absl::string_view body);

class McpHttpTransport final : public McpTransport {
 public:
  // `headers` go with every message (e.g. authorization); `name` names the server in errors.
  McpHttpTransport(std::string name, std::string url,
                   std::vector<std::pair<std::string, std::string>> headers,
                   size_t max_message_bytes);
  ~McpHttpTransport() override;  // ends the session, if any (best effort, 1 s)

  absl::Status Send(const std::string& message, absl::Time deadline,
                    const std::function<bool()>& keep_going) override;
  absl::StatusOr<std::string> Receive(absl::Time deadline,
                                      const std::function<bool()>& keep_going) override;
  bool alive() const override { return alive_; }

 private:
  const std::string name_;
  const std::string url_;
  const std::string where_;  // "<name> at <url>", or the URL when it is the name
  const std::vector<std::pair<std::string, std::string>> headers_;
  const size_t max_message_bytes_;
  std::string session_id_;
  std::deque<std::string> received_;  // the messages of the last responses, not yet read
  bool alive_ = true;
};

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_MCP_MCP_HTTP_TRANSPORT_H_

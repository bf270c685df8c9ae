#ifndef STIGMER_AGENT_MCP_MCP_TRANSPORT_H_
#define STIGMER_AGENT_MCP_MCP_TRANSPORT_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace stigmer::agent {

// How an McpClient reaches its server: JSON-RPC messages out and in, one at a time. Errors name
// the server. Not thread-safe.
class McpTransport {
 public:
  virtual ~McpTransport() = default;

  // Sends one message (compact JSON, maybe "\n"-ended). `keep_going` is asked about while it
  // waits; Cancelled when it says false, DeadlineExceeded past `deadline`.
  virtual absl::Status Send(const std::string& message, absl::Time deadline,
                            const std::function<bool()>& keep_going) = 0;

  // The next message from the server; Cancelled and DeadlineExceeded as for Send.
  virtual absl::StatusOr<std::string> Receive(absl::Time deadline,
                                              const std::function<bool()>& keep_going) = 0;

  // False once the server has gone or broke the protocol.
  virtual bool alive() const = 0;
};

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_MCP_MCP_TRANSPORT_H_

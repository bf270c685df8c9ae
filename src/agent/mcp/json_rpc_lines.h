#ifndef STIGMER_AGENT_MCP_JSON_RPC_LINES_H_
#define STIGMER_AGENT_MCP_JSON_RPC_LINES_H_

// MCP's stdio transport: JSON-RPC 2.0 messages, one per line (UTF-8, no embedded newline).

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace stigmer::agent {

// Cuts a byte stream into lines. A line longer than `max_line_bytes` is an error (the server is
// broken or hostile; nothing after it can be trusted either).
class LineSplitter {
 public:
  explicit LineSplitter(size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

  void Append(absl::string_view bytes) { buffer_.append(bytes.data(), bytes.size()); }

  // The next complete line without its "\n" (and "\r"), nullopt when none is complete yet;
  // ResourceExhausted once a line is over the limit.
  absl::StatusOr<std::optional<std::string>> Next();

 private:
  const size_t max_line_bytes_;
  std::string buffer_;
  size_t scanned_ = 0;  // bytes of buffer_ known to hold no newline
};

// What one line from a server is.
struct JsonRpcMessage {
  enum class Kind {
    kResponse,      // "id" with "result" or "error": the answer to one of our requests
    kNotification,  // "method" without "id": progress, logging, list changes
    kRequest,       // "method" with "id": the server asks us something (roots, sampling, ping)
    kInvalid,       // anything else, or not JSON: skipped
  };
  Kind kind = Kind::kInvalid;
  nlohmann::json id;  // responses and requests
  std::string method;
  nlohmann::json result;  // responses: the result, or null
  nlohmann::json error;   // responses: {"code", "message"}, or null
};

JsonRpcMessage ParseJsonRpcLine(absl::string_view line);

// The line for a request (`id` set) or a notification (`id` null): compact JSON, "\n" ended.
std::string JsonRpcLine(const nlohmann::json& id, absl::string_view method,
                        const nlohmann::json& params);

// The line answering a server's request `id` with `result`.
std::string JsonRpcResultLine(const nlohmann::json& id, const nlohmann::json& result);

// The line answering a server's request `id` with a JSON-RPC error.
std::string JsonRpcErrorLine(const nlohmann::json& id, int code, absl::string_view message);

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_MCP_JSON_RPC_LINES_H_

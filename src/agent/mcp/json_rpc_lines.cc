#include "agent/mcp/json_rpc_lines.h"

#include "absl/strings/str_cat.h"
#include "common/json_limits.h"

namespace stigmer::agent {

absl::StatusOr<std::optional<std::string>> LineSplitter::Next() {
  const size_t newline = buffer_.find('\n', scanned_);
  if (newline == std::string::npos) {
    scanned_ = buffer_.size();
    if (buffer_.size() > max_line_bytes_) {
      return absl::ResourceExhaustedError(
          absl::StrCat("a message is longer than ", max_line_bytes_, " bytes"));
    }
    return std::nullopt;
  }
  if (newline > max_line_bytes_) {
    return absl::ResourceExhaustedError(
        absl::StrCat("a message is longer than ", max_line_bytes_, " bytes"));
  }
  std::string line = buffer_.substr(0, newline);
  buffer_.erase(0, newline + 1);
  scanned_ = 0;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

JsonRpcMessage ParseJsonRpcLine(absl::string_view line) {
  JsonRpcMessage message;
  absl::StatusOr<nlohmann::json> json = ParseJsonBounded(line, "a JSON-RPC message");
  if (!json.ok() || !json->is_object()) return message;
  const auto id = json->find("id");
  const auto method = json->find("method");
  const bool has_id = id != json->end() && (id->is_string() || id->is_number_integer());
  if (method != json->end() && method->is_string()) {
    message.method = method->get<std::string>();
    message.kind = has_id ? JsonRpcMessage::Kind::kRequest : JsonRpcMessage::Kind::kNotification;
    if (has_id) message.id = *id;
    return message;
  }
  const auto result = json->find("result");
  const auto error = json->find("error");
  if (has_id && (result != json->end() || error != json->end())) {
    message.kind = JsonRpcMessage::Kind::kResponse;
    message.id = *id;
    if (result != json->end()) message.result = *result;
    if (error != json->end())
      message.error = error->is_object() ? *error : nlohmann::json::object();
  }
  return message;
}

std::string JsonRpcLine(const nlohmann::json& id, absl::string_view method,
                        const nlohmann::json& params) {
  nlohmann::json message = {{"jsonrpc", "2.0"}, {"method", std::string(method)}};
  if (!id.is_null()) message["id"] = id;
  if (!params.is_null()) message["params"] = params;
  return absl::StrCat(message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "\n");
}

std::string JsonRpcResultLine(const nlohmann::json& id, const nlohmann::json& result) {
  const nlohmann::json answer = {{"jsonrpc", "2.0"}, {"id", id}, {"result", result}};
  return absl::StrCat(answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "\n");
}

std::string JsonRpcErrorLine(const nlohmann::json& id, int code, absl::string_view message) {
  const nlohmann::json answer = {{"jsonrpc", "2.0"},
                                 {"id", id},
                                 {"error", {{"code", code}, {"message", std::string(message)}}}};
  return absl::StrCat(answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "\n");
}

}  // namespace stigmer::agent

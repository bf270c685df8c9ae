#include "agent/mcp/mcp_client.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "agent/mcp/mcp_http_transport.h"
#include "agent/mcp/mcp_stdio_transport.h"
#include "common/json_fields.h"

namespace stigmer::agent {
namespace {

constexpr int kMaxToolPages = 50;

}  // namespace

std::string McpResultText(const nlohmann::json& result) {
  std::vector<std::string> parts;
  const auto content = result.find("content");
  if (content != result.end() && content->is_array()) {
    for (const nlohmann::json& item : *content) {
      const std::string type = StringAt(item, "type");
      if (type == "text") {
        parts.push_back(StringAt(item, "text"));
      } else if (type == "resource") {
        const nlohmann::json resource = item.value("resource", nlohmann::json::object());
        const std::string text = StringAt(resource, "text");
        parts.push_back(text.empty() ? absl::StrCat("[resource ", StringAt(resource, "uri"), "]")
                                     : text);
      } else if (!type.empty()) {
        parts.push_back(absl::StrCat("[", type, " ", StringAt(item, "mimeType"), "]"));
      }
    }
  }
  if (parts.empty()) {
    const auto structured = result.find("structuredContent");
    if (structured != result.end()) return structured->dump();
  }
  return absl::StrJoin(parts, "\n");
}

McpClient::McpClient(Key, McpServerConfig config, std::unique_ptr<McpTransport> transport)
    : config_(std::move(config)), transport_(std::move(transport)) {}

McpClient::~McpClient() = default;

absl::StatusOr<std::unique_ptr<McpClient>> McpClient::Start(
    const McpServerConfig& config, absl::string_view search_path, absl::Duration timeout,
    const std::function<bool()>& keep_going) {
  std::unique_ptr<McpTransport> transport;
  if (!config.url.empty()) {
    transport = std::make_unique<McpHttpTransport>(config.name, config.url, config.headers,
                                                   config.max_message_bytes);
  } else {
    absl::StatusOr<std::unique_ptr<McpStdioTransport>> started =
        McpStdioTransport::Start(config, search_path);
    if (!started.ok()) return started.status();
    transport = *std::move(started);
  }
  auto client = std::make_unique<McpClient>(Key(), config, std::move(transport));
  const absl::Time deadline = absl::Now() + timeout;
  const nlohmann::json params = {
      {"protocolVersion", kMcpProtocolVersion},
      {"capabilities", nlohmann::json::object()},
      {"clientInfo", {{"name", "stigmer-agent-runner"}, {"version", "0.1.0"}}}};
  absl::StatusOr<nlohmann::json> initialized =
      client->Request("initialize", params, deadline, keep_going);
  if (!initialized.ok()) return initialized.status();
  client->server_info_ = initialized->value("serverInfo", nlohmann::json::object());
  absl::Status sent = client->transport_->Send(
      JsonRpcLine(nullptr, "notifications/initialized", nullptr), deadline, keep_going);
  if (!sent.ok()) return sent;
  return client;
}

absl::StatusOr<std::vector<McpTool>> McpClient::ListTools(absl::Duration timeout,
                                                          const std::function<bool()>& keep_going) {
  const absl::Time deadline = absl::Now() + timeout;
  std::vector<McpTool> tools;
  std::string cursor;
  for (int page = 0; page < kMaxToolPages; ++page) {
    nlohmann::json params = nlohmann::json::object();
    if (!cursor.empty()) params["cursor"] = cursor;
    absl::StatusOr<nlohmann::json> listed = Request("tools/list", params, deadline, keep_going);
    if (!listed.ok()) return listed.status();
    const auto found = listed->find("tools");
    if (found == listed->end() || !found->is_array()) {
      return absl::InvalidArgumentError(absl::StrCat("the MCP server ", config_.name,
                                                     " answered tools/list without a tool list"));
    }
    for (const nlohmann::json& tool : *found) {
      const std::string name = StringAt(tool, "name");
      if (name.empty()) continue;
      McpTool& listed_tool = tools.emplace_back();
      listed_tool.name = name;
      listed_tool.description = StringAt(tool, "description");
      const auto schema = tool.find("inputSchema");
      if (schema != tool.end() && schema->is_object()) listed_tool.input_schema = *schema;
    }
    cursor = StringAt(*listed, "nextCursor");
    if (cursor.empty()) return tools;
  }
  return tools;
}

absl::StatusOr<McpCallResult> McpClient::CallTool(const std::string& name,
                                                  const nlohmann::json& arguments,
                                                  absl::Duration timeout,
                                                  const std::function<bool()>& keep_going) {
  absl::StatusOr<nlohmann::json> called = Request(
      "tools/call", {{"name", name}, {"arguments", arguments}}, absl::Now() + timeout, keep_going);
  if (!called.ok()) return called.status();
  McpCallResult result;
  result.text = McpResultText(*called);
  const auto is_error = called->find("isError");
  result.is_error = is_error != called->end() && is_error->is_boolean() && is_error->get<bool>();
  result.content = *std::move(called);
  return result;
}

absl::StatusOr<nlohmann::json> McpClient::Call(const std::string& method,
                                               const nlohmann::json& params, absl::Duration timeout,
                                               const std::function<bool()>& keep_going) {
  return Request(method, params, absl::Now() + timeout, keep_going);
}

absl::StatusOr<nlohmann::json> McpClient::Request(const std::string& method,
                                                  const nlohmann::json& params, absl::Time deadline,
                                                  const std::function<bool()>& keep_going) {
  if (!transport_->alive()) {
    return absl::UnavailableError(
        absl::StrCat("the MCP server ", config_.name, " is gone; start a new client"));
  }
  const int64_t id = next_id_++;
  // Tells the server to stop working on the request; its late answer is skipped (ids differ).
  const auto cancel = [&](const absl::Status& why) {
    if (!absl::IsCancelled(why) && !absl::IsDeadlineExceeded(why)) return;
    (void)transport_->Send(JsonRpcLine(nullptr, "notifications/cancelled",
                                       {{"requestId", id}, {"reason", std::string(why.message())}}),
                           absl::Now() + absl::Seconds(1), [] { return true; });
  };
  if (absl::Status sent = transport_->Send(JsonRpcLine(id, method, params), deadline, keep_going);
      !sent.ok()) {
    cancel(sent);
    return sent;
  }
  while (true) {
    absl::StatusOr<std::string> line = transport_->Receive(deadline, keep_going);
    cancel(line.status());
    if (!line.ok()) return line.status();
    JsonRpcMessage message = ParseJsonRpcLine(*line);
    switch (message.kind) {
      case JsonRpcMessage::Kind::kResponse:
        if (message.id != id) continue;  // a late answer to a cancelled request
        if (!message.error.is_null()) {
          return absl::FailedPreconditionError(absl::StrCat(
              "the MCP server ", config_.name, " answered ", method, " with error ",
              IntegerAt(message.error, "code"), ": ", StringAt(message.error, "message")));
        }
        return message.result.is_object() ? message.result : nlohmann::json::object();
      case JsonRpcMessage::Kind::kRequest: {
        const std::string answer =
            message.method == "ping"
                ? JsonRpcResultLine(message.id, nlohmann::json::object())
                : JsonRpcErrorLine(message.id, -32601, "stigmer does not offer this method");
        if (absl::Status sent = transport_->Send(answer, deadline, keep_going); !sent.ok()) {
          return sent;
        }
        continue;
      }
      case JsonRpcMessage::Kind::kNotification:
      case JsonRpcMessage::Kind::kInvalid:
        continue;
    }
  }
}

}  // namespace stigmer::agent

#include "agent/mcp/mcp_http_transport.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "activities/http_transfer.h"
#include "agent/mcp/mcp_client.h"
#include "common/utf8_prefix.h"
#include "nlohmann/json.hpp"

namespace stigmer::agent {
namespace {

constexpr size_t kBodyExcerptBytes = 300;

// The `data` of each event of a text/event-stream body (lines "data: …", events ended by a
// blank line; other fields and comments skipped).
std::vector<std::string> EventData(absl::string_view body) {
  std::vector<std::string> events;
  std::string data;
  bool has_data = false;
  for (absl::string_view line : absl::StrSplit(body, '\n')) {
    line = absl::StripSuffix(line, "\r");
    if (line.empty()) {
      if (has_data) events.push_back(std::move(data));
      data.clear();
      has_data = false;
      continue;
    }
    if (!absl::ConsumePrefix(&line, "data:")) continue;
    absl::ConsumePrefix(&line, " ");
    if (has_data) data.push_back('\n');
    data.append(line.data(), line.size());
    has_data = true;
  }
  if (has_data) events.push_back(std::move(data));
  return events;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> McpHttpMessages(absl::string_view content_type,
                                                         absl::string_view body) {
  const std::string type = absl::AsciiStrToLower(absl::StripAsciiWhitespace(
      content_type.substr(0, std::min(content_type.find(';'), content_type.size()))));
  if (type == "text/event-stream") return EventData(body);
  if (type != "application/json") {
    return absl::InvalidArgumentError(
        absl::StrCat("answered with Content-Type \"", content_type,
                     "\", not application/json or text/event-stream"));
  }
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded())
    return absl::InvalidArgumentError("answered with JSON that does not parse");
  std::vector<std::string> messages;
  if (parsed.is_array()) {
    for (const nlohmann::json& message : parsed) messages.push_back(message.dump());
  } else {
    messages.push_back(parsed.dump());
  }
  return messages;
}

McpHttpTransport::McpHttpTransport(std::string name, std::string url,
                                   std::vector<std::pair<std::string, std::string>> headers,
                                   size_t max_message_bytes)
    : name_(std::move(name)),
      url_(std::move(url)),
      where_(name_ == url_ ? url_ : absl::StrCat(name_, " at ", url_)),
      headers_(std::move(headers)),
      max_message_bytes_(max_message_bytes) {}

McpHttpTransport::~McpHttpTransport() {
  if (session_id_.empty()) return;
  activities::HttpTransferRequest request;
  request.method = "DELETE";
  request.url = url_;
  request.headers = headers_;
  request.headers.emplace_back("Mcp-Session-Id", session_id_);
  request.timeout = absl::Seconds(1);
  (void)activities::PerformHttpTransfer(request, [] { return true; });
}

absl::Status McpHttpTransport::Send(const std::string& message, absl::Time deadline,
                                    const std::function<bool()>& keep_going) {
  activities::HttpTransferRequest request;
  request.method = "POST";
  request.url = url_;
  request.headers = headers_;
  request.headers.emplace_back("Content-Type", "application/json");
  request.headers.emplace_back("Accept", "application/json, text/event-stream");
  request.headers.emplace_back("MCP-Protocol-Version", kMcpProtocolVersion);
  if (!session_id_.empty()) request.headers.emplace_back("Mcp-Session-Id", session_id_);
  request.body = message;
  request.max_response_bytes = max_message_bytes_;
  request.timeout = std::max(deadline - absl::Now(), absl::Milliseconds(1));
  absl::StatusOr<activities::HttpTransferResponse> response =
      activities::PerformHttpTransfer(request, keep_going);
  if (!response.ok()) {
    if (absl::IsCancelled(response.status())) {
      return absl::CancelledError(
          absl::StrCat("the call to the MCP server ", name_, " was cancelled"));
    }
    if (absl::IsDeadlineExceeded(response.status())) {
      return absl::DeadlineExceededError(
          absl::StrCat("the MCP server ", name_, " did not answer in time"));
    }
    alive_ = !absl::IsUnavailable(response.status());
    return absl::Status(response.status().code(),
                        absl::StrCat("the MCP server ", where_, ": ", response.status().message()));
  }
  if (response->status == 202) return absl::OkStatus();  // a notification or an answer taken
  if (response->status != 200) {
    // 404 with a session: the server ended it; a new client starts a new one.
    if (response->status == 404 && !session_id_.empty()) alive_ = false;
    return absl::UnavailableError(absl::StrCat("the MCP server ", where_, " answered HTTP ",
                                               response->status, response->body.empty() ? "" : ": ",
                                               Utf8Prefix(response->body, kBodyExcerptBytes)));
  }
  if (const std::string session = activities::HeaderValue(*response, "mcp-session-id");
      !session.empty()) {
    session_id_ = session;
  }
  absl::StatusOr<std::vector<std::string>> messages =
      McpHttpMessages(activities::HeaderValue(*response, "content-type"), response->body);
  if (!messages.ok()) {
    alive_ = false;
    return absl::InvalidArgumentError(
        absl::StrCat("the MCP server ", name_, " ", messages.status().message()));
  }
  for (std::string& received : *messages) received_.push_back(std::move(received));
  return absl::OkStatus();
}

absl::StatusOr<std::string> McpHttpTransport::Receive(absl::Time /*deadline*/,
                                                      const std::function<bool()>& /*keep_going*/) {
  if (received_.empty()) {
    // Every answer comes in the response to the POST that asked: nothing more will arrive.
    return absl::UnavailableError(
        absl::StrCat("the MCP server ", where_, " answered without the result"));
  }
  std::string message = std::move(received_.front());
  received_.pop_front();
  return message;
}

}  // namespace stigmer::agent

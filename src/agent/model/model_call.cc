#include "agent/model/model_call.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "activities/http_transfer.h"
#include "agent/model/anthropic_messages.h"

namespace stigmer::agent {
namespace {

ProviderFailure Failed(absl::Status status, bool retryable) {
  return {.status = std::move(status), .retryable = retryable};
}

}  // namespace

std::variant<ChatAnswer, ProviderFailure> CallModel(const ModelEndpoint& endpoint,
                                                    const ChatRequest& request,
                                                    const std::function<bool()>& keep_going) {
  const bool anthropic = endpoint.format == WireFormat::kAnthropicMessages;
  const std::string base(absl::StripSuffix(endpoint.provider.base_url, "/"));
  activities::HttpTransferRequest transfer{
      .method = "POST",
      .url = absl::StrCat(base, anthropic ? "/messages" : "/chat/completions"),
      .headers = {{"Content-Type", "application/json"}},
      .body = anthropic ? AnthropicMessagesBody(request).dump(
                              -1, ' ', false, nlohmann::json::error_handler_t::replace)
                        : OpenAiChatBody(request, endpoint.tool_mode)
                              .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
      .max_response_bytes = endpoint.max_response_bytes,
      .timeout = endpoint.timeout,
      .user_agent = "stigmer-agent-runner"};
  if (anthropic) {
    transfer.headers.emplace_back("anthropic-version", kAnthropicVersion);
    if (!endpoint.api_key.empty()) transfer.headers.emplace_back("x-api-key", endpoint.api_key);
  } else if (!endpoint.api_key.empty()) {
    transfer.headers.emplace_back("Authorization", absl::StrCat("Bearer ", endpoint.api_key));
  }
  const std::string who = absl::StrCat(endpoint.provider.name, " at ", endpoint.provider.base_url);
  absl::StatusOr<activities::HttpTransferResponse> response =
      activities::PerformHttpTransfer(transfer, keep_going);
  if (!response.ok()) {
    const absl::Status& status = response.status();
    if (absl::IsCancelled(status)) return Failed(status, false);
    if (absl::IsResourceExhausted(status)) {
      return Failed(absl::InvalidArgumentError(absl::StrCat(who, " sent an answer over ",
                                                            endpoint.max_response_bytes, " bytes")),
                    false);
    }
    return Failed(absl::UnavailableError(absl::StrCat(who, ": ", status.message())), true);
  }
  if (response->status < 200 || response->status > 299) {
    return ClassifyHttpFailure(endpoint.provider, response->status, response->body,
                               activities::HeaderValue(*response, "retry-after"), absl::Now());
  }
  absl::StatusOr<ChatAnswer> answer =
      anthropic ? ParseAnthropicAnswer(response->body)
                : ParseOpenAiChatAnswer(response->body, request, endpoint.tool_mode);
  if (!answer.ok()) {
    return Failed(absl::InvalidArgumentError(absl::StrCat(who, ": ", answer.status().message())),
                  false);
  }
  return *std::move(answer);
}

}  // namespace stigmer::agent

#ifndef STIGMER_AGENT_MODEL_ANTHROPIC_MESSAGES_H_
#define STIGMER_AGENT_MODEL_ANTHROPIC_MESSAGES_H_

// Anthropic's Messages wire format (POST {base_url}/v1/messages, headers `x-api-key` and
// `anthropic-version: 2023-06-01`). Tools are always native here.

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "agent/model/chat.h"
#include "nlohmann/json.hpp"

namespace stigmer::agent {

inline constexpr char kAnthropicVersion[] = "2023-06-01";
// Anthropic requires max_tokens; this is sent when the agent sets none.
inline constexpr int kAnthropicDefaultMaxTokens = 4096;

// The request body: system messages joined into `system`; assistant tool calls as `tool_use`
// blocks; tool results as `tool_result` blocks of a user turn (consecutive results share one
// turn, since roles must alternate).
nlohmann::json AnthropicMessagesBody(const ChatRequest& request);

// The answer in a 200 body: text blocks joined, `tool_use` blocks as tool calls (their `input`
// must be an object, else arguments_error), stop_reason end_turn/stop_sequence → stop,
// tool_use → tool_calls, max_tokens → length. InvalidArgument "malformed answer: …" when the body
// is not a message.
absl::StatusOr<ChatAnswer> ParseAnthropicAnswer(absl::string_view body);

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_MODEL_ANTHROPIC_MESSAGES_H_

#ifndef STIGMER_AGENT_MODEL_MODEL_CALL_H_
#define STIGMER_AGENT_MODEL_MODEL_CALL_H_

// One model call over HTTP: the body of the `llm.chat` activity. The provider's wire format
// (openai_chat.h or anthropic_messages.h) in, a ChatAnswer or a ProviderFailure out.

#include <functional>
#include <string>
#include <variant>

#include "absl/time/time.h"
#include "agent/model/chat.h"
#include "agent/model/openai_chat.h"
#include "agent/model/provider_error.h"

namespace stigmer::agent {

enum class WireFormat { kOpenAiChat, kAnthropicMessages };

struct ModelEndpoint {
  ProviderIdentity provider;  // name, base URL ("http://127.0.0.1:8080/v1"), key source
  WireFormat format = WireFormat::kOpenAiChat;
  ToolMode tool_mode = ToolMode::kNative;  // kOpenAiChat only
  std::string api_key;  // resolved from the key source by the caller; never logged or recorded
  absl::Duration timeout = absl::Minutes(5);
  size_t max_response_bytes = 8 << 20;
};

// POSTs `request` to {base_url}/chat/completions or {base_url}/messages and reads the answer.
// A failure says whether to retry (and when): HTTP statuses as ClassifyHttpFailure sees them; a
// connection that fails is retryable; an answer that cannot be read is not (InvalidArgument).
// Cancelled when `keep_going` turns false.
std::variant<ChatAnswer, ProviderFailure> CallModel(const ModelEndpoint& endpoint,
                                                    const ChatRequest& request,
                                                    const std::function<bool()>& keep_going);

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_MODEL_MODEL_CALL_H_

#ifndef STIGMER_AGENT_MODEL_OPENAI_CHAT_H_
#define STIGMER_AGENT_MODEL_OPENAI_CHAT_H_

// The OpenAI-compatible Chat Completions wire format (POST {base_url}/chat/completions), spoken by
// OpenAI, Ollama's /v1, llama.cpp's server and vLLM.

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "agent/model/chat.h"
#include "nlohmann/json.hpp"

namespace stigmer::agent {

enum class ToolMode {
  kNative,      // `tools` in the request, `tool_calls` in the answer
  kJsonSchema,  // a `response_format` JSON schema (json_schema_tools.h); tools become prompt text
};

// The request body. In kJsonSchema mode earlier tool calls and results are rendered as text
// turns, so servers without tool roles accept the conversation.
// Ordered as built (the step schema must keep its order; json_schema_tools.h).
nlohmann::ordered_json OpenAiChatBody(const ChatRequest& request, ToolMode mode);

// The answer in a 200 body (the first choice). Tool call arguments are parsed; arguments that are
// not a JSON object leave ToolCall::arguments_error set. In kJsonSchema mode the message text is
// read as a step (AnswerFromStep). InvalidArgument "malformed answer: …" when the body is not a
// chat completion (no choices, no message).
absl::StatusOr<ChatAnswer> ParseOpenAiChatAnswer(absl::string_view body, const ChatRequest& request,
                                                 ToolMode mode);

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_MODEL_OPENAI_CHAT_H_

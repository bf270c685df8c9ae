#ifndef STIGMER_AGENT_MODEL_CHAT_H_
#define STIGMER_AGENT_MODEL_CHAT_H_

// The provider-neutral form of one model call: what agent-runner asks (ChatRequest) and what it
// records of the answer (ChatAnswer). Provider adapters (openai_chat.h, anthropic_messages.h)
// translate to and from each wire format; the agent loop and history see only these types.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace stigmer::agent {

// One tool call the model asked for. `arguments` is parsed JSON (an object), never text.
struct ToolCall {
  std::string id;  // the provider's id, echoed back with the result
  std::string name;
  nlohmann::json arguments = nlohmann::json::object();
  // Set when the model's arguments were not a JSON object: the loop answers the call with this
  // error (so the model can try again) instead of running the tool.
  std::string arguments_error;

  bool operator==(const ToolCall&) const = default;
};

enum class Role { kSystem, kUser, kAssistant, kTool };

struct ChatMessage {
  Role role = Role::kUser;
  std::string text;                  // empty for an assistant turn made only of tool calls
  std::vector<ToolCall> tool_calls;  // assistant turns only
  std::string tool_call_id;          // tool results only: the call this answers
  std::string tool_name;             // tool results only

  bool operator==(const ChatMessage&) const = default;
};

// A tool the model may call: `parameters` is a JSON Schema for its arguments (an object schema).
struct ToolSpec {
  std::string name;
  std::string description;
  nlohmann::json parameters = {{"type", "object"}, {"properties", nlohmann::json::object()}};
};

struct ChatRequest {
  std::string model;
  std::vector<ChatMessage> messages;  // the system prompt, if any, first
  std::vector<ToolSpec> tools;
  std::optional<double> temperature;
  std::optional<int> max_tokens;
};

enum class FinishReason { kStop, kToolCalls, kLength, kOther };

struct Usage {
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;

  bool operator==(const Usage&) const = default;
};

struct ChatAnswer {
  std::string text;
  std::vector<ToolCall> tool_calls;
  FinishReason finish_reason = FinishReason::kStop;
  Usage usage;

  bool operator==(const ChatAnswer&) const = default;
};

const char* RoleName(Role role);                    // "system", "user", "assistant", "tool"
const char* FinishReasonName(FinishReason reason);  // "stop", "tool_calls", "length", "other"

// The answer as recorded in history and shown by `-o json`:
// {"text", "tool_calls": [{"id", "name", "arguments"}], "finish_reason", "usage": {...}}.
nlohmann::json AnswerToJson(const ChatAnswer& answer);
absl::StatusOr<ChatAnswer> AnswerFromJson(const nlohmann::json& json);

// A message as a session carries it: {"role", "text", "tool_calls"?, "tool_call_id"?,
// "tool_name"?}.
nlohmann::json MessageToJson(const ChatMessage& message);
absl::StatusOr<ChatMessage> MessageFromJson(const nlohmann::json& json);

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_MODEL_CHAT_H_

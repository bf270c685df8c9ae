#include "agent/model/anthropic_messages.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/json_fields.h"
#include "common/json_limits.h"

namespace stigmer::agent {
namespace {

absl::Status Malformed(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("malformed answer: ", what));
}

nlohmann::json ContentBlocks(const ChatMessage& message) {
  nlohmann::json blocks = nlohmann::json::array();
  if (!message.text.empty()) blocks.push_back({{"type", "text"}, {"text", message.text}});
  for (const ToolCall& call : message.tool_calls) {
    blocks.push_back(
        {{"type", "tool_use"}, {"id", call.id}, {"name", call.name}, {"input", call.arguments}});
  }
  return blocks;
}

}  // namespace

nlohmann::json AnthropicMessagesBody(const ChatRequest& request) {
  nlohmann::json body = {{"model", request.model},
                         {"max_tokens", request.max_tokens.value_or(kAnthropicDefaultMaxTokens)}};
  std::string system;
  nlohmann::json messages = nlohmann::json::array();
  for (const ChatMessage& message : request.messages) {
    switch (message.role) {
      case Role::kSystem:
        absl::StrAppend(&system, system.empty() ? "" : "\n\n", message.text);
        break;
      case Role::kUser:
        messages.push_back({{"role", "user"}, {"content", message.text}});
        break;
      case Role::kAssistant:
        messages.push_back({{"role", "assistant"}, {"content", ContentBlocks(message)}});
        break;
      case Role::kTool: {
        nlohmann::json result = {{"type", "tool_result"},
                                 {"tool_use_id", message.tool_call_id},
                                 {"content", message.text}};
        const bool joins = !messages.empty() && messages.back()["role"] == "user" &&
                           messages.back()["content"].is_array();
        if (joins) {
          messages.back()["content"].push_back(std::move(result));
        } else {
          messages.push_back({{"role", "user"}, {"content", nlohmann::json::array({result})}});
        }
        break;
      }
    }
  }
  if (!system.empty()) body["system"] = system;
  body["messages"] = std::move(messages);
  if (!request.tools.empty()) {
    nlohmann::json tools = nlohmann::json::array();
    for (const ToolSpec& tool : request.tools) {
      tools.push_back({{"name", tool.name},
                       {"description", tool.description},
                       {"input_schema", tool.parameters}});
    }
    body["tools"] = std::move(tools);
  }
  if (request.temperature) body["temperature"] = *request.temperature;
  return body;
}

absl::StatusOr<ChatAnswer> ParseAnthropicAnswer(absl::string_view body) {
  absl::StatusOr<nlohmann::json> json = ParseJsonBounded(body, "the model's answer");
  if (!json.ok()) return Malformed(json.status().message());
  if (!json->is_object()) return Malformed("not a JSON object");
  const auto content = json->find("content");
  if (content == json->end() || !content->is_array()) return Malformed("no content");
  ChatAnswer answer;
  for (const nlohmann::json& block : *content) {
    if (!block.is_object()) continue;
    const std::string type = StringAt(block, "type");
    if (type == "text") {
      answer.text += StringAt(block, "text");
    } else if (type == "tool_use") {
      ToolCall call{.id = StringAt(block, "id"), .name = StringAt(block, "name")};
      const auto input = block.find("input");
      if (input != block.end() && input->is_object()) {
        call.arguments = *input;
      } else {
        call.arguments_error = "the arguments must be a JSON object";
      }
      answer.tool_calls.push_back(std::move(call));
    }
  }
  const std::string stop = StringAt(*json, "stop_reason");
  answer.finish_reason = stop == "tool_use"     ? FinishReason::kToolCalls
                         : stop == "max_tokens" ? FinishReason::kLength
                         : stop == "end_turn" || stop == "stop_sequence" || stop.empty()
                             ? FinishReason::kStop
                             : FinishReason::kOther;
  if (!answer.tool_calls.empty()) answer.finish_reason = FinishReason::kToolCalls;
  if (auto usage = json->find("usage"); usage != json->end() && usage->is_object()) {
    answer.usage.input_tokens = IntegerAt(*usage, "input_tokens");
    answer.usage.output_tokens = IntegerAt(*usage, "output_tokens");
  }
  return answer;
}

}  // namespace stigmer::agent

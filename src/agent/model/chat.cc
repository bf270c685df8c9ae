#include "agent/model/chat.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/json_fields.h"

namespace stigmer::agent {
namespace {

absl::Status Malformed(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("recorded model answer: ", what));
}

}  // namespace

const char* RoleName(Role role) {
  switch (role) {
    case Role::kSystem:
      return "system";
    case Role::kUser:
      return "user";
    case Role::kAssistant:
      return "assistant";
    case Role::kTool:
      return "tool";
  }
  return "user";
}

const char* FinishReasonName(FinishReason reason) {
  switch (reason) {
    case FinishReason::kStop:
      return "stop";
    case FinishReason::kToolCalls:
      return "tool_calls";
    case FinishReason::kLength:
      return "length";
    case FinishReason::kOther:
      return "other";
  }
  return "other";
}

nlohmann::json AnswerToJson(const ChatAnswer& answer) {
  nlohmann::json calls = nlohmann::json::array();
  for (const ToolCall& call : answer.tool_calls) {
    nlohmann::json recorded = {{"id", call.id}, {"name", call.name}, {"arguments", call.arguments}};
    if (!call.arguments_error.empty()) recorded["arguments_error"] = call.arguments_error;
    calls.push_back(std::move(recorded));
  }
  return {{"text", answer.text},
          {"tool_calls", std::move(calls)},
          {"finish_reason", FinishReasonName(answer.finish_reason)},
          {"usage",
           {{"input_tokens", answer.usage.input_tokens},
            {"output_tokens", answer.usage.output_tokens}}}};
}

absl::StatusOr<ChatAnswer> AnswerFromJson(const nlohmann::json& json) {
  if (!json.is_object()) return Malformed("not an object");
  ChatAnswer answer;
  answer.text = StringAt(json, "text");
  if (auto calls = json.find("tool_calls"); calls != json.end()) {
    if (!calls->is_array()) return Malformed("tool_calls is not a list");
    for (const nlohmann::json& call : *calls) {
      if (!call.is_object() || !call.contains("name") || !call["name"].is_string()) {
        return Malformed("a tool call has no name");
      }
      ToolCall& recorded = answer.tool_calls.emplace_back();
      recorded.id = StringAt(call, "id");
      recorded.name = StringAt(call, "name");
      if (auto arguments = call.find("arguments"); arguments != call.end()) {
        recorded.arguments = *arguments;
      }
      recorded.arguments_error = StringAt(call, "arguments_error");
    }
  }
  const std::string reason = StringAt(json, "finish_reason");
  answer.finish_reason = reason == "stop" || reason.empty() ? FinishReason::kStop
                         : reason == "tool_calls"           ? FinishReason::kToolCalls
                         : reason == "length"               ? FinishReason::kLength
                                                            : FinishReason::kOther;
  if (auto usage = json.find("usage"); usage != json.end() && usage->is_object()) {
    answer.usage.input_tokens = IntegerAt(*usage, "input_tokens");
    answer.usage.output_tokens = IntegerAt(*usage, "output_tokens");
  }
  return answer;
}

nlohmann::json MessageToJson(const ChatMessage& message) {
  nlohmann::json json = {{"role", RoleName(message.role)}, {"text", message.text}};
  if (!message.tool_calls.empty()) {
    json["tool_calls"] = AnswerToJson({.tool_calls = message.tool_calls})["tool_calls"];
  }
  if (!message.tool_call_id.empty()) json["tool_call_id"] = message.tool_call_id;
  if (!message.tool_name.empty()) json["tool_name"] = message.tool_name;
  return json;
}

absl::StatusOr<ChatMessage> MessageFromJson(const nlohmann::json& json) {
  if (!json.is_object()) return Malformed("a message is not an object");
  ChatMessage message;
  const std::string role = StringAt(json, "role");
  if (role == "system") {
    message.role = Role::kSystem;
  } else if (role == "user") {
    message.role = Role::kUser;
  } else if (role == "assistant") {
    message.role = Role::kAssistant;
  } else if (role == "tool") {
    message.role = Role::kTool;
  } else {
    return Malformed("a message's role is not system, user, assistant or tool");
  }
  message.text = StringAt(json, "text");
  if (json.contains("tool_calls")) {
    absl::StatusOr<ChatAnswer> calls = AnswerFromJson({{"tool_calls", json["tool_calls"]}});
    if (!calls.ok()) return calls.status();
    message.tool_calls = std::move(calls->tool_calls);
  }
  message.tool_call_id = StringAt(json, "tool_call_id");
  message.tool_name = StringAt(json, "tool_name");
  return message;
}

}  // namespace stigmer::agent

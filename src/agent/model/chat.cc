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

}  // namespace stigmer::agent

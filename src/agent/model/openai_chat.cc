#include "agent/model/openai_chat.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "agent/model/json_schema_tools.h"
#include "common/json_fields.h"
#include "common/json_limits.h"

namespace stigmer::agent {
namespace {

absl::Status Malformed(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("malformed answer: ", what));
}

nlohmann::json NativeMessage(const ChatMessage& message) {
  nlohmann::json wire = {{"role", RoleName(message.role)}};
  if (message.role == Role::kTool) {
    wire["tool_call_id"] = message.tool_call_id;
    wire["content"] = message.text;
    return wire;
  }
  if (message.role == Role::kAssistant && !message.tool_calls.empty()) {
    wire["content"] = message.text.empty() ? nlohmann::json(nullptr) : nlohmann::json(message.text);
    nlohmann::json calls = nlohmann::json::array();
    for (const ToolCall& call : message.tool_calls) {
      calls.push_back({{"id", call.id},
                       {"type", "function"},
                       {"function", {{"name", call.name}, {"arguments", call.arguments.dump()}}}});
    }
    wire["tool_calls"] = std::move(calls);
    return wire;
  }
  wire["content"] = message.text;
  return wire;
}

// The same turn for a server without tool roles: calls as the JSON step, results as user text.
nlohmann::json TextMessage(const ChatMessage& message) {
  if (message.role == Role::kTool) return {{"role", "user"}, {"content", ToolResultText(message)}};
  if (message.role == Role::kAssistant && !message.tool_calls.empty()) {
    return {{"role", "assistant"}, {"content", StepText(message.tool_calls.front())}};
  }
  return {{"role", RoleName(message.role)}, {"content", message.text}};
}

ToolCall ParseToolCall(const nlohmann::json& wire) {
  ToolCall call;
  call.id = StringAt(wire, "id");
  const auto function = wire.find("function");
  if (function == wire.end() || !function->is_object()) {
    call.arguments_error = "the tool call names no function";
    return call;
  }
  call.name = StringAt(*function, "name");
  const auto arguments = function->find("arguments");
  if (arguments == function->end() || arguments->is_null()) return call;
  // Most servers send the arguments as JSON text; some send the object itself.
  absl::StatusOr<nlohmann::json> parsed =
      arguments->is_string()
          ? ParseJsonBounded(arguments->get<std::string>(), "the tool call's arguments")
          : absl::StatusOr<nlohmann::json>(*arguments);
  if (parsed.ok() && parsed->is_object()) {
    call.arguments = *std::move(parsed);
  } else {
    call.arguments_error = parsed.ok() ? "the arguments must be a JSON object"
                                       : std::string(parsed.status().message());
  }
  return call;
}

FinishReason ParseFinishReason(const std::string& reason) {
  if (reason == "stop" || reason.empty()) return FinishReason::kStop;
  if (reason == "tool_calls" || reason == "function_call") return FinishReason::kToolCalls;
  if (reason == "length") return FinishReason::kLength;
  return FinishReason::kOther;
}

}  // namespace

nlohmann::ordered_json OpenAiChatBody(const ChatRequest& request, ToolMode mode) {
  nlohmann::ordered_json body = {{"model", request.model}, {"stream", false}};
  nlohmann::json messages = nlohmann::json::array();
  const bool schema = mode == ToolMode::kJsonSchema;
  bool instructed = false;
  for (const ChatMessage& message : request.messages) {
    nlohmann::json wire = schema ? TextMessage(message) : NativeMessage(message);
    if (schema && message.role == Role::kSystem && !instructed) {
      wire["content"] = absl::StrCat(message.text, "\n\n", StepInstructions(request.tools));
      instructed = true;
    }
    messages.push_back(std::move(wire));
  }
  if (schema && !instructed) {
    messages.insert(messages.begin(),
                    {{"role", "system"}, {"content", StepInstructions(request.tools)}});
  }
  body["messages"] = nlohmann::ordered_json(messages);
  if (schema) {
    body["response_format"] = {
        {"type", "json_schema"},
        {"json_schema",
         {{"name", "step"}, {"strict", true}, {"schema", StepSchema(request.tools)}}}};
  } else if (!request.tools.empty()) {
    nlohmann::json tools = nlohmann::json::array();
    for (const ToolSpec& tool : request.tools) {
      tools.push_back({{"type", "function"},
                       {"function",
                        {{"name", tool.name},
                         {"description", tool.description},
                         {"parameters", tool.parameters}}}});
    }
    body["tools"] = nlohmann::ordered_json(tools);
  }
  if (request.temperature) body["temperature"] = *request.temperature;
  if (request.max_tokens) body["max_tokens"] = *request.max_tokens;
  return body;
}

absl::StatusOr<ChatAnswer> ParseOpenAiChatAnswer(absl::string_view body, const ChatRequest& request,
                                                 ToolMode mode) {
  absl::StatusOr<nlohmann::json> json = ParseJsonBounded(body, "the model's answer");
  if (!json.ok()) return Malformed(json.status().message());
  if (!json->is_object()) return Malformed("not a JSON object");
  const auto choices = json->find("choices");
  if (choices == json->end() || !choices->is_array() || choices->empty() ||
      !(*choices)[0].is_object()) {
    return Malformed("no choices");
  }
  const nlohmann::json& choice = (*choices)[0];
  const auto message = choice.find("message");
  if (message == choice.end() || !message->is_object())
    return Malformed("the choice has no message");

  Usage usage;
  if (auto found = json->find("usage"); found != json->end() && found->is_object()) {
    usage.input_tokens = IntegerAt(*found, "prompt_tokens");
    usage.output_tokens = IntegerAt(*found, "completion_tokens");
  }
  const FinishReason finish = ParseFinishReason(StringAt(choice, "finish_reason"));
  if (mode == ToolMode::kJsonSchema) {
    if (finish == FinishReason::kLength) {
      return Malformed("the model's step was cut off at max_tokens; raise the agent's max tokens");
    }
    const int step = static_cast<int>(request.messages.size());
    absl::StatusOr<ChatAnswer> answer =
        AnswerFromStep(StringAt(*message, "content"), request.tools, step);
    if (answer.ok()) answer->usage = usage;
    return answer;
  }
  ChatAnswer answer;
  answer.text = StringAt(*message, "content");
  if (auto calls = message->find("tool_calls"); calls != message->end() && calls->is_array()) {
    for (const nlohmann::json& call : *calls) {
      if (call.is_object()) answer.tool_calls.push_back(ParseToolCall(call));
    }
  }
  answer.finish_reason = answer.tool_calls.empty() ? finish : FinishReason::kToolCalls;
  answer.usage = usage;
  return answer;
}

}  // namespace stigmer::agent

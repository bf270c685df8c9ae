#include "agent/model/json_schema_tools.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/json_limits.h"

namespace stigmer::agent {
namespace {

std::string Cut(absl::string_view text) {
  constexpr size_t kMax = 200;
  return text.size() <= kMax ? std::string(text) : absl::StrCat(text.substr(0, kMax), "…");
}

}  // namespace

nlohmann::ordered_json StepSchema(const std::vector<ToolSpec>& tools) {
  nlohmann::ordered_json choices = nlohmann::ordered_json::array();
  for (const ToolSpec& tool : tools) {
    choices.push_back({{"type", "object"},
                       {"properties",
                        {{"tool", {{"const", tool.name}}},
                         {"arguments", nlohmann::ordered_json(tool.parameters)}}},
                       {"required", {"tool", "arguments"}},
                       {"additionalProperties", false}});
  }
  choices.push_back({{"type", "object"},
                     {"properties", {{"answer", {{"type", "string"}}}}},
                     {"required", {"answer"}},
                     {"additionalProperties", false}});
  return {{"anyOf", std::move(choices)}};
}

std::string StepInstructions(const std::vector<ToolSpec>& tools) {
  std::string text =
      "Answer with one JSON object per turn. To use a tool: {\"tool\": NAME, \"arguments\": "
      "{...}}; you will then get its result. When you are done: {\"answer\": TEXT}.";
  if (tools.empty()) return text;
  absl::StrAppend(&text, "\nTools:");
  for (const ToolSpec& tool : tools) {
    absl::StrAppend(&text, "\n- ", tool.name, ": ", tool.description,
                    " Arguments schema: ", tool.parameters.dump());
  }
  return text;
}

absl::StatusOr<ChatAnswer> AnswerFromStep(absl::string_view text,
                                          const std::vector<ToolSpec>& tools, int step) {
  absl::StatusOr<nlohmann::json> json = ParseJsonBounded(text, "the model's step");
  if (!json.ok() || !json->is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the model's answer is not a JSON step object: ", Cut(text)));
  }
  ChatAnswer answer;
  if (auto final_text = json->find("answer"); final_text != json->end()) {
    answer.text = final_text->is_string() ? final_text->get<std::string>() : final_text->dump();
    answer.finish_reason = FinishReason::kStop;
    return answer;
  }
  const auto tool = json->find("tool");
  if (tool == json->end() || !tool->is_string()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the model's step names neither a tool nor an answer: ", Cut(text)));
  }
  const std::string name = tool->get<std::string>();
  if (std::none_of(tools.begin(), tools.end(),
                   [&](const ToolSpec& spec) { return spec.name == name; })) {
    return absl::InvalidArgumentError(
        absl::StrCat("the model asked for the tool \"", Cut(name), "\", which it was not offered"));
  }
  ToolCall call{.id = absl::StrCat("step-", step), .name = name};
  const auto arguments = json->find("arguments");
  if (arguments != json->end() && arguments->is_object()) {
    call.arguments = *arguments;
  } else if (arguments != json->end()) {
    call.arguments_error = "the arguments must be a JSON object";
  }
  answer.tool_calls.push_back(std::move(call));
  answer.finish_reason = FinishReason::kToolCalls;
  return answer;
}

std::string StepText(const ToolCall& call) {
  return nlohmann::json{{"tool", call.name}, {"arguments", call.arguments}}.dump();
}

std::string ToolResultText(const ChatMessage& result) {
  return absl::StrCat("Result of the tool ", result.tool_name, ":\n", result.text);
}

}  // namespace stigmer::agent

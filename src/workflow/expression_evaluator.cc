#include "workflow/expression_evaluator.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/json_limits.h"
#include "workflow/jq_expression.h"

namespace stigmer::workflow {
namespace {

// The standard variables in the order the compiled wrapper destructures them.
constexpr const char* kStandardOrder[] = {"context", "input",    "output",  "secrets",
                                          "task",    "workflow", "runtime", "authorization"};

absl::Status ExpressionError(absl::string_view expression, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("expression `", expression, "`: ", message));
}

JvValue ToJv(const nlohmann::json& value) { return JvValue(jv_parse(value.dump().c_str())); }

absl::StatusOr<nlohmann::json> FromJv(const JvValue& value) {
  JvValue text(jv_dump_string(value.Copy(), 0));
  // A value built deeper than kMaxJsonDepth (`reduce range(1000) as $i (0; [.])`) is refused
  // here, so no deeper value reaches a payload or history.
  return ParseJsonBounded(jv_string_value(text.get()), "the expression's result");
}

std::string JvMessage(const JvValue& message) {
  if (message.kind() == JV_KIND_STRING) return jv_string_value(message.get());
  JvValue text(jv_dump_string(message.Copy(), 0));
  return jv_string_value(text.get());
}

void IgnoreJqMessage(void*, jv message) { jv_free(message); }

}  // namespace

absl::StatusOr<jq_state*> ExpressionEvaluator::Program(
    absl::string_view expression, absl::string_view body,
    const std::map<std::string, nlohmann::json>& extra) {
  std::vector<std::string> extra_names;
  std::string key;
  for (const auto& [name, value] : extra) {
    extra_names.push_back(name);
    absl::StrAppend(&key, name, ",");
  }
  absl::StrAppend(&key, "\n", body);
  if (auto it = programs_.find(key); it != programs_.end()) return it->second.get();

  // The clean compile message first (memoized process-wide).
  if (absl::Status status = CompileJqExpression(body, extra_names); !status.ok()) {
    return ExpressionError(expression, status.message());
  }
  // The variables come in with the data, so that one compiled program serves every
  // evaluation: `. as [$__data, $context, ..., $extra...] | $__data | (body)`.
  std::string program = ". as [$__stigmer_data";
  for (const char* name : kStandardOrder) absl::StrAppend(&program, ", $", name);
  for (const std::string& name : extra_names) absl::StrAppend(&program, ", $", name);
  absl::StrAppend(&program, "] | $__stigmer_data | (", body, "\n)");

  JqStatePtr jq = NewJqState();
  if (jq == nullptr) return absl::ResourceExhaustedError("libjq could not allocate its state");
  jq_set_error_cb(jq.get(), IgnoreJqMessage, nullptr);
  if (!jq_compile_args(jq.get(), program.c_str(), jv_object())) {
    return ExpressionError(expression, "the expression does not compile");
  }
  if (programs_.size() >= kMaxCachedPrograms) programs_.clear();
  jq_state* compiled = jq.get();
  programs_.emplace(std::move(key), std::move(jq));
  return compiled;
}

absl::StatusOr<nlohmann::json> ExpressionEvaluator::Evaluate(absl::string_view expression,
                                                             const nlohmann::json& data,
                                                             const ExpressionVariables& variables) {
  absl::string_view body = RuntimeExpressionBody(expression);
  absl::StatusOr<jq_state*> jq = Program(expression, body, variables.extra);
  if (!jq.ok()) return jq.status();

  nlohmann::json arguments = nlohmann::json::array(
      {data, variables.context, variables.input, variables.output, variables.secrets,
       variables.task, variables.workflow, variables.runtime, variables.authorization});
  for (const auto& [name, value] : variables.extra) arguments.push_back(value);
  JvValue input = ToJv(arguments);
  if (input.kind() == JV_KIND_INVALID) {
    return ExpressionError(expression, "its arguments could not be given to libjq");
  }
  jq_start(*jq, input.Release(), 0);
  JvValue result(jq_next(*jq));
  if (result.kind() != JV_KIND_INVALID) {
    absl::StatusOr<nlohmann::json> value = FromJv(result);
    if (!value.ok()) return ExpressionError(expression, value.status().message());
    return value;
  }
  if (!jv_invalid_has_msg(result.Copy())) return nlohmann::json();  // no result
  JvValue message(jv_invalid_get_msg(result.Release()));
  return ExpressionError(expression, JvMessage(message));
}

absl::StatusOr<nlohmann::json> ExpressionEvaluator::EvaluateValue(
    const nlohmann::ordered_json& value, const nlohmann::json& data,
    const ExpressionVariables& variables) {
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (IsRuntimeExpression(text)) return Evaluate(text, data, variables);
    return nlohmann::json(text);
  }
  if (value.is_object()) {
    nlohmann::json result = nlohmann::json::object();
    for (const auto& [key, member] : value.items()) {
      absl::StatusOr<nlohmann::json> evaluated = EvaluateValue(member, data, variables);
      if (!evaluated.ok()) return evaluated.status();
      result[key] = *std::move(evaluated);
    }
    return result;
  }
  if (value.is_array()) {
    nlohmann::json result = nlohmann::json::array();
    for (const auto& member : value) {
      absl::StatusOr<nlohmann::json> evaluated = EvaluateValue(member, data, variables);
      if (!evaluated.ok()) return evaluated.status();
      result.push_back(*std::move(evaluated));
    }
    return result;
  }
  return nlohmann::json(value);
}

absl::StatusOr<bool> ExpressionEvaluator::EvaluateCondition(absl::string_view expression,
                                                            const nlohmann::json& data,
                                                            const ExpressionVariables& variables) {
  absl::StatusOr<nlohmann::json> result = Evaluate(expression, data, variables);
  if (!result.ok()) return result.status();
  return !(result->is_null() || (result->is_boolean() && !result->get<bool>()));
}

}  // namespace stigmer::workflow

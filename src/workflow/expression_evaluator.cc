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

}  // namespace

ExpressionEvaluator::ExpressionEvaluator() : runner_(std::make_unique<InProcessJqRunner>()) {}

ExpressionEvaluator::ExpressionEvaluator(std::unique_ptr<JqRunner> runner)
    : runner_(std::move(runner)) {}

absl::StatusOr<std::string> ExpressionEvaluator::Program(
    absl::string_view expression, absl::string_view body,
    const std::map<std::string, nlohmann::json>& extra) {
  std::vector<std::string> extra_names;
  for (const auto& [name, value] : extra) extra_names.push_back(name);
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
  return program;
}

absl::StatusOr<nlohmann::json> ExpressionEvaluator::Evaluate(absl::string_view expression,
                                                             const nlohmann::json& data,
                                                             const ExpressionVariables& variables) {
  absl::string_view body = RuntimeExpressionBody(expression);
  absl::StatusOr<std::string> program = Program(expression, body, variables.extra);
  if (!program.ok()) return program.status();

  nlohmann::json arguments = nlohmann::json::array(
      {data, variables.context, variables.input, variables.output, variables.secrets,
       variables.task, variables.workflow, variables.runtime, variables.authorization});
  for (const auto& [name, value] : variables.extra) arguments.push_back(value);
  absl::StatusOr<std::optional<std::string>> result = runner_->Run(*program, arguments.dump());
  if (!result.ok()) {
    absl::Status status = ExpressionError(expression, result.status().message());
    return absl::Status(result.status().code(), status.message());
  }
  if (!result->has_value()) return nlohmann::json();  // no result
  // A value built deeper than kMaxJsonDepth (`reduce range(1000) as $i (0; [.])`) is refused
  // here, so no deeper value reaches a payload or history.
  absl::StatusOr<nlohmann::json> parsed = ParseJsonBounded(**result, "the expression's result");
  if (!parsed.ok()) return ExpressionError(expression, parsed.status().message());
  return parsed;
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

absl::Status ExpressionEvaluator::CheckSchema(const nlohmann::json& schema,
                                              const nlohmann::json& value) {
  return runner_->CheckSchema(schema.dump(), value.dump());
}

}  // namespace stigmer::workflow

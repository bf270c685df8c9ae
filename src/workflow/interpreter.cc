#include "workflow/interpreter.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "workflow/task_runner.h"

namespace stigmer::workflow {
namespace {

RunResult Failed(durable::WorkflowError error) {
  RunResult result;
  result.state = RunResult::State::kFailed;
  result.error = std::move(error);
  return result;
}

// The workflow-level transformation `document[field].<member>`, if any, of `data`.
absl::StatusOr<nlohmann::json> Transform(TaskRunner& runner, const nlohmann::ordered_json& document,
                                         const char* field, const char* member,
                                         nlohmann::json data) {
  auto outer = document.find(field);
  if (outer == document.end() || !outer->is_object()) return data;
  auto expression = outer->find(member);
  if (expression == outer->end()) return data;
  ExpressionVariables variables = runner.WorkflowVariables();
  if (expression->is_string()) {
    return runner.evaluator().Evaluate(expression->get<std::string>(), data, variables);
  }
  return runner.evaluator().EvaluateValue(*expression, data, variables);
}

// The first secret `use.secrets` declares that the run was not given, as the 403 the spec asks
// for ("Secret"); nullopt when every one was given.
std::optional<durable::WorkflowError> MissingSecret(const nlohmann::ordered_json& document,
                                                    const nlohmann::json& secrets) {
  const nlohmann::ordered_json::json_pointer declared("/use/secrets");
  if (!document.contains(declared) || !document[declared].is_array()) return std::nullopt;
  const nlohmann::ordered_json& names = document[declared];
  for (size_t i = 0; i < names.size(); ++i) {
    if (!names[i].is_string()) continue;
    const std::string name = names[i].get<std::string>();
    if (secrets.is_object() && secrets.contains(name)) continue;
    return durable::StandardError(
        "authorization", "Missing secret",
        absl::StrCat("the workflow uses the secret \"", name,
                     "\" (use.secrets) and the run was not given it: run it with --secret ", name,
                     "=VALUE"),
        absl::StrCat("/use/secrets/", i));
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<RunResult> Interpret(const WorkflowDocument& document, const nlohmann::json& input,
                                    const RuntimeValues& runtime, durable::WorkflowContext& context,
                                    const InterpreterOptions& options) {
  nlohmann::json workflow = {{"id", runtime.workflow_id},
                             {"definition", nlohmann::json(document.json)},
                             {"input", input},
                             {"startedAt", DescribeTime(context.Now())}};
  TaskRunner runner(document, runtime, context, options, std::move(workflow));
  if (std::optional<durable::WorkflowError> missing =
          MissingSecret(document.json, runtime.secrets)) {
    return Failed(*std::move(missing));
  }

  if (std::optional<TaskOutcome> invalid =
          runner.SchemaViolation(document.json, "input", input, "the workflow's", "/input")) {
    return Failed(std::move(invalid->error));
  }
  absl::StatusOr<nlohmann::json> transformed =
      Transform(runner, document.json, "input", "from", input);
  if (!transformed.ok())
    return Failed(ExpressionFailure(transformed.status(), "/input/from").error);

  auto tasks = document.json.find("do");
  if (tasks == document.json.end()) {
    return Failed(durable::StandardError("configuration", "Invalid workflow",
                                         "the workflow has no `do`", ""));
  }
  absl::StatusOr<TaskOutcome> outcome =
      runner.RunTaskList(*tasks, "/do", *std::move(transformed), {});
  if (!outcome.ok()) return outcome.status();
  switch (outcome->kind) {
    case TaskOutcome::Kind::kRaised:
      return Failed(std::move(outcome->error));
    case TaskOutcome::Kind::kSuspended:
      return RunResult{};
    case TaskOutcome::Kind::kCompleted:
    case TaskOutcome::Kind::kEnded:
      break;
  }
  absl::StatusOr<nlohmann::json> output =
      Transform(runner, document.json, "output", "as", std::move(outcome->output));
  if (!output.ok()) return Failed(ExpressionFailure(output.status(), "/output/as").error);
  if (std::optional<TaskOutcome> invalid =
          runner.SchemaViolation(document.json, "output", *output, "the workflow's", "/output")) {
    return Failed(std::move(invalid->error));
  }
  RunResult result;
  result.state = RunResult::State::kCompleted;
  result.output = *std::move(output);
  return result;
}

}  // namespace stigmer::workflow

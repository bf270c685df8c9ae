// `call: <function>`: a custom function of use.functions, of a file:// catalog, or of a
// file:// URI, run as the task it defines.

#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "activities/local_resource.h"
#include "workflow/dsl_functions.h"
#include "workflow/task_runner.h"
#include "workflow/yaml_to_json.h"

namespace stigmer::workflow {
namespace {

constexpr int kMaxFunctionDepth = 16;

TaskOutcome FunctionError(const char* type, const char* title, std::string detail,
                          const std::string& path) {
  return TaskOutcome::Raised(durable::StandardError(type, title, std::move(detail), path));
}

}  // namespace

absl::StatusOr<TaskOutcome> TaskRunner::RunFunctionCall(const nlohmann::ordered_json& task,
                                                        const std::string& path,
                                                        const nlohmann::json& input,
                                                        const ExpressionVariables& variables) {
  const std::string name = task["call"].get<std::string>();
  const FunctionLocation location = LocateFunction(document_.json, name);
  nlohmann::ordered_json loaded;
  const nlohmann::ordered_json* definition = location.definition;
  if (definition == nullptr) {
    // Reading the file is a side effect: its text is recorded, and a replay reads it there.
    nlohmann::json request = {{"task", path}, {"uri", location.uri}};
    if (!runtime_.source_dir.empty()) request[activities::kSourceDirKey] = runtime_.source_dir;
    absl::StatusOr<durable::ActivityOutcome> read =
        context_.CallActivity(path, "resource", request);
    if (!read.ok()) return read.status();
    if (read->state == durable::ActivityOutcome::State::kPending) return TaskOutcome::Suspended();
    if (read->state == durable::ActivityOutcome::State::kFailed) {
      if (read->error.instance.empty()) read->error.instance = path;
      return TaskOutcome::Raised(std::move(read->error));
    }
    absl::StatusOr<nlohmann::ordered_json> parsed =
        read->output.is_string() ? YamlToJson(read->output.get<std::string>())
                                 : absl::InvalidArgumentError("not a text file");
    if (!parsed.ok() || !parsed->is_object()) {
      return FunctionError("configuration", "Invalid function",
                           absl::StrCat(location.uri, " does not hold a function (a task): ",
                                        parsed.ok() ? "not a mapping" : parsed.status().message()),
                           path);
    }
    loaded = *std::move(parsed);
    definition = &loaded;
  }
  if (function_depth_ >= kMaxFunctionDepth) {
    return FunctionError("runtime", "Function depth limit reached",
                         absl::StrCat("function \"", name, "\" runs inside ", kMaxFunctionDepth,
                                      " other functions: do they call each other?"),
                         path);
  }

  nlohmann::json arguments = nlohmann::json::object();
  if (auto with = task.find("with"); with != task.end()) {
    absl::StatusOr<nlohmann::json> evaluated = evaluator_.EvaluateValue(*with, input, variables);
    if (!evaluated.ok()) return ExpressionFailure(evaluated.status(), path);
    arguments = *std::move(evaluated);
  }
  // The function's input.schema checks the arguments: RunStartedTask checks a task's raw input.
  ExpressionVariables function_variables = WorkflowVariables();
  function_variables.task = TaskDescriptor(name, path, *definition, arguments);
  ++function_depth_;
  absl::StatusOr<TaskOutcome> outcome =
      RunStartedTask(*definition, path, arguments, function_variables, Scope{});
  --function_depth_;
  return outcome;
}

}  // namespace stigmer::workflow

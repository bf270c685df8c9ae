// The task types that direct the flow: set, do, switch, for, raise, and wait (a timer).

#include <utility>

#include "absl/strings/str_cat.h"
#include "workflow/dsl_duration.h"
#include "workflow/json_pointer.h"
#include "workflow/task_runner.h"

namespace stigmer::workflow {
namespace {

std::string StringOr(const nlohmann::ordered_json& object, const char* key,
                     const std::string& fallback) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

TaskOutcome Unsupported(const std::string& what, const std::string& path) {
  return TaskOutcome::Raised(
      durable::StandardError("configuration", "Not supported",
                             absl::StrCat(what, " is not supported by stigmer yet"), path));
}

}  // namespace

absl::StatusOr<TaskOutcome> TaskRunner::RunTaskBody(const nlohmann::ordered_json& task,
                                                    const std::string& path,
                                                    const nlohmann::json& input,
                                                    ExpressionVariables& variables,
                                                    const Scope& scope) {
  if (auto set = task.find("set"); set != task.end()) {
    absl::StatusOr<nlohmann::json> value = evaluator_.EvaluateValue(*set, input, variables);
    if (!value.ok()) return ExpressionFailure(value.status(), path);
    return TaskOutcome::Completed(*std::move(value));
  }
  if (task.contains("for")) return RunFor(task, path, input, variables, scope);
  if (task.contains("try")) return RunTry(task, path, input, variables, scope);
  if (auto tasks = task.find("do"); tasks != task.end()) {
    return RunTaskList(*tasks, JsonPointerAppend(path, "do"), input, scope);
  }
  if (task.contains("switch")) return RunSwitch(task, path, input, variables);
  if (task.contains("raise")) return RunRaise(task, path, input, variables);
  if (task.contains("wait")) return RunWait(task, path, input);
  if (task.contains("call")) return RunCall(task, path, input, variables);
  if (task.contains("run")) return RunShell(task, path, input, variables);
  if (task.contains("fork")) return RunFork(task, path, input, scope);
  if (task.contains("emit")) return RunEmit(task, path, input, variables);
  if (task.contains("listen")) return RunListen(task, path, input, variables, scope);
  return Unsupported("a task without a known type", path);
}

absl::StatusOr<TaskOutcome> TaskRunner::RunSwitch(const nlohmann::ordered_json& task,
                                                  const std::string& path,
                                                  const nlohmann::json& input,
                                                  const ExpressionVariables& variables) {
  const nlohmann::ordered_json& cases = task["switch"];
  const nlohmann::ordered_json* fallback = nullptr;
  const nlohmann::ordered_json* chosen = nullptr;
  for (const auto& entry : cases) {
    if (!entry.is_object() || entry.empty()) continue;
    const nlohmann::ordered_json& definition = entry.begin().value();
    auto when = definition.find("when");
    if (when == definition.end()) {
      if (fallback == nullptr) fallback = &definition;
      continue;
    }
    absl::StatusOr<bool> matches =
        evaluator_.EvaluateCondition(when->get<std::string>(), input, variables);
    if (!matches.ok()) return ExpressionFailure(matches.status(), path);
    if (*matches) {
      chosen = &definition;
      break;
    }
  }
  if (chosen == nullptr) chosen = fallback;
  TaskOutcome outcome = TaskOutcome::Completed(input);
  if (chosen != nullptr) outcome.then = StringOr(*chosen, "then", "continue");
  return outcome;
}

absl::StatusOr<TaskOutcome> TaskRunner::RunFor(const nlohmann::ordered_json& task,
                                               const std::string& path, const nlohmann::json& input,
                                               const ExpressionVariables& variables,
                                               const Scope& scope) {
  const nlohmann::ordered_json& loop = task["for"];
  const std::string each = StringOr(loop, "each", "item");
  const std::string at = StringOr(loop, "at", "index");
  absl::StatusOr<nlohmann::json> collection =
      evaluator_.Evaluate(StringOr(loop, "in", "null"), input, variables);
  if (!collection.ok()) return ExpressionFailure(collection.status(), path);
  if (collection->is_null()) *collection = nlohmann::json::array();
  if (!collection->is_array()) {
    return TaskOutcome::Raised(durable::StandardError(
        "expression", "Invalid collection",
        absl::StrCat("for.in must produce an array, not ", collection->type_name()), path));
  }
  const std::string while_condition = StringOr(task, "while", "");
  auto tasks = task.find("do");
  if (tasks == task.end()) return TaskOutcome::Completed(input);

  nlohmann::json data = input;
  for (size_t index = 0; index < collection->size(); ++index) {
    if (index >= static_cast<size_t>(options_.max_iterations)) {
      return TaskOutcome::Raised(durable::StandardError(
          "runtime", "Iteration limit reached",
          absl::StrCat("task \"", variables.task.value("name", ""), "\" reached ",
                       options_.max_iterations, " iterations"),
          path));
    }
    Scope iteration = scope;
    iteration[each] = (*collection)[index];
    iteration[at] = index;
    if (!while_condition.empty()) {
      ExpressionVariables loop_variables = variables;
      loop_variables.extra = iteration;
      loop_variables.context = context_data_;
      absl::StatusOr<bool> go_on =
          evaluator_.EvaluateCondition(while_condition, data, loop_variables);
      if (!go_on.ok()) return ExpressionFailure(go_on.status(), path);
      if (!*go_on) break;
    }
    absl::StatusOr<TaskOutcome> outcome =
        RunTaskList(*tasks, JsonPointerAppend(path, "do"), data, iteration);
    if (!outcome.ok() || outcome->kind != TaskOutcome::Kind::kCompleted) return outcome;
    data = std::move(outcome->output);
  }
  return TaskOutcome::Completed(std::move(data));
}

absl::StatusOr<TaskOutcome> TaskRunner::RunRaise(const nlohmann::ordered_json& task,
                                                 const std::string& path,
                                                 const nlohmann::json& input,
                                                 const ExpressionVariables& variables) {
  const nlohmann::ordered_json& raise = task["raise"];
  const nlohmann::ordered_json* definition =
      raise.is_object() && raise.contains("error") ? &raise["error"] : nullptr;
  if (definition != nullptr && definition->is_string()) {  // a `use.errors` reference
    const nlohmann::ordered_json::json_pointer pointer(
        JsonPointerAppend("/use/errors", definition->get<std::string>()));
    definition = document_.json.contains(pointer) ? &document_.json[pointer] : nullptr;
  }
  if (definition == nullptr) {
    return TaskOutcome::Raised(durable::StandardError(
        "configuration", "Invalid raise", "raise.error names no error definition", path));
  }
  absl::StatusOr<nlohmann::json> evaluated =
      evaluator_.EvaluateValue(*definition, input, variables);
  if (!evaluated.ok()) return ExpressionFailure(evaluated.status(), path);
  if (evaluated->is_object() && !evaluated->contains("status") &&
      (*evaluated)["type"].is_string()) {
    int status = durable::StandardErrorStatus((*evaluated)["type"].get<std::string>());
    if (status != 0) (*evaluated)["status"] = status;
  }
  absl::StatusOr<durable::WorkflowError> error = durable::ErrorFromJson(*evaluated);
  if (!error.ok()) {
    return TaskOutcome::Raised(durable::StandardError("validation", "Invalid error",
                                                      std::string(error.status().message()), path));
  }
  if (error->instance.empty()) error->instance = path;
  return TaskOutcome::Raised(*std::move(error));
}

absl::StatusOr<TaskOutcome> TaskRunner::RunWait(const nlohmann::ordered_json& task,
                                                const std::string& path,
                                                const nlohmann::json& input) {
  absl::StatusOr<absl::Duration> duration = ParseDslDuration(task["wait"]);
  if (!duration.ok()) {
    return TaskOutcome::Raised(durable::StandardError(
        "configuration", "Invalid duration", std::string(duration.status().message()), path));
  }
  absl::StatusOr<bool> fired = context_.Sleep(path, *duration);
  if (!fired.ok()) return fired.status();
  if (!*fired) return TaskOutcome::Suspended();
  return TaskOutcome::Completed(input);
}

}  // namespace stigmer::workflow

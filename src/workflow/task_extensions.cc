// use.extensions: tasks run before and after the tasks an extension extends.

#include <string>
#include <utility>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "workflow/dsl_extensions.h"
#include "workflow/json_pointer.h"
#include "workflow/task_runner.h"

namespace stigmer::workflow {
namespace {

struct Extension {
  std::string name;
  const nlohmann::ordered_json* definition;
};

// The extensions of `document` whose `extend` names `type` or all, in their order.
std::vector<Extension> ExtensionsFor(const nlohmann::ordered_json& document,
                                     const std::string& type) {
  std::vector<Extension> found;
  auto use = document.find("use");
  if (use == document.end() || !use->is_object()) return found;
  auto extensions = use->find("extensions");
  if (extensions == use->end() || !extensions->is_array()) return found;
  for (const auto& entry : *extensions) {
    if (!entry.is_object() || entry.size() != 1) continue;
    const nlohmann::ordered_json& definition = entry.begin().value();
    const nlohmann::ordered_json extend = definition.value("extend", nlohmann::ordered_json());
    if (extend == "all" || extend == type) found.push_back({entry.begin().key(), &definition});
  }
  return found;
}

}  // namespace

absl::StatusOr<TaskOutcome> TaskRunner::RunExtendedTask(const nlohmann::ordered_json& task,
                                                        const std::string& path,
                                                        const nlohmann::json& input,
                                                        ExpressionVariables& variables,
                                                        const Scope& scope) {
  std::vector<Extension> extensions;
  if (!in_extension_) extensions = ExtensionsFor(document_.json, ExtensionTaskType(task));
  if (extensions.empty()) return RunTaskBodyWithinTimeout(task, path, input, variables, scope);

  // In `when`, $task is the extended task: its descriptor (name,
  // reference, input...) over its definition's own fields (call, with...), so that both
  // `$task.reference` and `$task.with.endpoint` read as the spec's examples do.
  nlohmann::json extended = nlohmann::json(task);
  for (const auto& [key, value] : variables.task.items()) extended[key] = value;
  std::vector<const Extension*> applying;
  for (const Extension& extension : extensions) {
    auto when = extension.definition->find("when");
    if (when != extension.definition->end() && when->is_string()) {
      ExpressionVariables when_variables = variables;
      when_variables.task = extended;
      when_variables.input = input;
      absl::StatusOr<bool> applies =
          evaluator_.EvaluateCondition(when->get<std::string>(), input, when_variables);
      if (!applies.ok()) {
        return ExpressionFailure(
            absl::Status(applies.status().code(),
                         absl::StrCat("the `when` of extension \"", extension.name,
                                      "\" failed: ", applies.status().message())),
            path);
      }
      if (!*applies) continue;
    }
    applying.push_back(&extension);
  }
  if (applying.empty()) return RunTaskBodyWithinTimeout(task, path, input, variables, scope);

  in_extension_ = true;
  absl::Cleanup not_in_extension = [this] { in_extension_ = false; };
  const auto run_list = [&](const Extension& extension, const char* list,
                            const nlohmann::json& list_input,
                            bool* exited) -> absl::StatusOr<TaskOutcome> {
    auto tasks = extension.definition->find(list);
    if (tasks == extension.definition->end()) return TaskOutcome::Completed(list_input);
    return RunTaskList(
        *tasks,
        JsonPointerAppend(JsonPointerAppend(JsonPointerAppend(path, "extensions"), extension.name),
                          list),
        list_input, scope, exited);
  };
  for (const Extension* extension : applying) {
    bool exited = false;
    absl::StatusOr<TaskOutcome> before = run_list(*extension, "before", input, &exited);
    if (!before.ok() || before->kind != TaskOutcome::Kind::kCompleted || exited) return before;
  }
  in_extension_ = false;
  absl::StatusOr<TaskOutcome> outcome =
      RunTaskBodyWithinTimeout(task, path, input, variables, scope);
  if (!outcome.ok() || outcome->kind != TaskOutcome::Kind::kCompleted) return outcome;
  in_extension_ = true;
  for (const Extension* extension : applying) {
    absl::StatusOr<TaskOutcome> after = run_list(*extension, "after", outcome->output, nullptr);
    if (!after.ok() || after->kind != TaskOutcome::Kind::kCompleted) return after;
  }
  return outcome;
}

}  // namespace stigmer::workflow

#include "workflow/dsl_task_validator.h"

#include <algorithm>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "workflow/dsl_action_tasks.h"
#include "workflow/dsl_definitions.h"
#include "workflow/dsl_events.h"
#include "workflow/dsl_flow_tasks.h"
#include "workflow/json_pointer.h"

namespace stigmer::workflow {
namespace {

constexpr size_t kMaxTaskNameLength = 255;

using Json = nlohmann::ordered_json;
using TypeValidator = void (*)(ValidationContext&, const Json&, const TaskPlace&);

// A task type: the key that names it, the other keys such a task may have besides the common
// ones, and its validator (nullptr for the types stigmer refuses).
struct TaskType {
  const char* key;
  std::vector<absl::string_view> extra_keys;
  TypeValidator validate;
};

const std::vector<TaskType>& TaskTypes() {
  static const std::vector<TaskType>* types = new std::vector<TaskType>{
      {"call", {"with"}, ValidateCallTask}, {"do", {}, ValidateDoTask},
      {"emit", {}, ValidateEmitTask},       {"for", {"while", "do"}, ValidateForTask},
      {"fork", {}, ValidateForkTask},       {"listen", {"foreach"}, ValidateListenTask},
      {"raise", {}, ValidateRaiseTask},     {"run", {}, ValidateRunTask},
      {"set", {}, ValidateSetTask},         {"switch", {}, ValidateSwitchTask},
      {"try", {"catch"}, ValidateTryTask},  {"wait", {}, ValidateWaitTask},
  };
  return *types;
}

constexpr char kTaskTypeList[] =
    "call, do, emit, for, fork, listen, raise, run, set, switch, try, wait";

// The type of `task`, or nullptr after reporting why there is not exactly one.
const TaskType* FindTaskType(ValidationContext& context, const Json& task,
                             const std::string& pointer) {
  std::vector<const TaskType*> found;
  for (const TaskType& type : TaskTypes()) {
    if (task.contains(type.key)) found.push_back(&type);
  }
  // A `for` task has a `do` too.
  bool is_for = std::any_of(found.begin(), found.end(),
                            [](const TaskType* type) { return type->key == std::string("for"); });
  if (is_for) {
    found.erase(std::remove_if(found.begin(), found.end(),
                               [](const TaskType* type) { return type->key == std::string("do"); }),
                found.end());
  }
  if (found.size() == 1) return found.front();
  if (found.empty()) {
    context.Report(pointer, absl::StrCat("a task needs one of ", kTaskTypeList));
  } else {
    std::vector<std::string> names;
    for (const TaskType* type : found) names.push_back(absl::StrCat("\"", type->key, "\""));
    context.Report(pointer, absl::StrCat("a task has exactly one type, this one has ",
                                         absl::StrJoin(names, ", ")));
  }
  return nullptr;
}

void ValidateCommonFields(ValidationContext& context, const Json& task, const TaskPlace& place) {
  const std::string& pointer = place.pointer;
  if (task.contains("if")) {
    context.CheckExpressionField(task["if"], JsonPointerAppend(pointer, "if"), place.scope);
  }
  if (task.contains("input")) {
    ValidateDataFilter(context, task["input"], JsonPointerAppend(pointer, "input"), "from",
                       place.scope);
  }
  for (const char* key : {"output", "export"}) {
    if (task.contains(key)) {
      ValidateDataFilter(context, task[key], JsonPointerAppend(pointer, key), "as", place.scope);
    }
  }
  if (task.contains("timeout")) {
    ValidateTimeout(context, task["timeout"], JsonPointerAppend(pointer, "timeout"));
  }
  if (task.contains("then")) {
    ValidateFlowDirective(context, task["then"], JsonPointerAppend(pointer, "then"),
                          *place.siblings);
  }
  if (task.contains("metadata")) {
    context.ExpectObject(task["metadata"], JsonPointerAppend(pointer, "metadata"));
  }
}

}  // namespace

void ValidateFlowDirective(ValidationContext& context, const Json& directive,
                           const std::string& pointer, const std::vector<std::string>& siblings) {
  if (!directive.is_string()) {
    context.Report(pointer, "must be continue, exit, end or the name of a task in the same list");
    return;
  }
  const std::string& target = directive.get_ref<const std::string&>();
  if (target == "continue" || target == "exit" || target == "end") return;
  if (std::find(siblings.begin(), siblings.end(), target) != siblings.end()) return;
  context.Report(pointer, absl::StrCat("\"then\" names task \"", target,
                                       "\", which is not in the same task list (flow directives "
                                       "are continue, exit, end or a task of the same list)"));
}

void ValidateTaskList(ValidationContext& context, const Json& list, const std::string& pointer,
                      const ExpressionScope& scope) {
  context.MarkChecked(pointer);
  if (!list.is_array()) {
    context.Report(pointer, "must be a list of tasks, each a mapping of one task name to the task");
    return;
  }
  if (list.empty()) {
    context.Report(pointer, "must hold at least one task");
    return;
  }
  std::vector<std::string> names(list.size());
  std::vector<bool> well_formed(list.size(), false);
  absl::flat_hash_map<std::string, size_t> first_index;
  for (size_t i = 0; i < list.size(); ++i) {
    const Json& item = list[i];
    std::string item_pointer = JsonPointerAppend(pointer, i);
    if (!item.is_object() || item.size() != 1) {
      context.Report(item_pointer,
                     "each item of a task list must be a mapping of exactly one task name to the "
                     "task, like \"- fetch: {call: http, ...}\"");
      continue;
    }
    names[i] = item.begin().key();
    if (names[i].empty()) {
      context.Report(item_pointer, "a task name must not be empty");
      continue;
    }
    // Names appear in paths, logs and the CLI's output; YAML itself limits a key to 1024
    // characters, so a longer one could not be written back as YAML.
    if (names[i].size() > kMaxTaskNameLength ||
        std::any_of(names[i].begin(), names[i].end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
      context.Report(item_pointer, absl::StrCat("a task name must be at most ", kMaxTaskNameLength,
                                                " characters, without control characters"));
      continue;
    }
    auto [it, inserted] = first_index.emplace(names[i], i);
    if (!inserted) {
      context.Report(
          JsonPointerAppend(item_pointer, names[i]),
          absl::StrCat("duplicate task name \"", names[i], "\" (first at ",
                       JsonPointerAppend(JsonPointerAppend(pointer, it->second), names[i]), ")"));
      continue;
    }
    well_formed[i] = true;
  }
  for (size_t i = 0; i < list.size(); ++i) {
    if (!well_formed[i]) continue;
    TaskPlace place{JsonPointerAppend(JsonPointerAppend(pointer, i), names[i]), scope, &names};
    ValidateTask(context, list[i].begin().value(), place);
  }
}

void ValidateTask(ValidationContext& context, const Json& task, const TaskPlace& place) {
  if (!task.is_object()) {
    context.Report(place.pointer, "a task must be an object (a mapping)");
    return;
  }
  const TaskType* type = FindTaskType(context, task, place.pointer);
  if (type == nullptr) return;
  if (type->validate == nullptr) {
    context.Report(JsonPointerAppend(place.pointer, type->key),
                   absl::StrCat("\"", type->key, "\" tasks are not supported by stigmer yet"));
    return;
  }
  std::vector<absl::string_view> allowed = {"if",      "input", "output",   "export",
                                            "timeout", "then",  "metadata", type->key};
  allowed.insert(allowed.end(), type->extra_keys.begin(), type->extra_keys.end());
  for (const auto& [key, value] : task.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      context.Report(JsonPointerAppend(place.pointer, key),
                     absl::StrCat("unknown property \"", key, "\" for a \"", type->key, "\" task"));
    }
  }
  ValidateCommonFields(context, task, place);
  type->validate(context, task, place);
  context.CheckEmbeddedExpressions(task, place.pointer, place.scope);
}

}  // namespace stigmer::workflow

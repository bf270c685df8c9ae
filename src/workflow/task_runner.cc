#include "workflow/task_runner.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "workflow/json_pointer.h"

namespace stigmer::workflow {
namespace {

// The index of the task named `name` in `list`, or -1.
int FindTask(const nlohmann::ordered_json& list, const std::string& name) {
  for (size_t i = 0; i < list.size(); ++i) {
    if (TaskListEntry(list[i]).first == name) return static_cast<int>(i);
  }
  return -1;
}

// The expression in `task[field][member]`, e.g. input.from; nullptr when absent.
const nlohmann::ordered_json* Member(const nlohmann::ordered_json& task, const char* field,
                                     const char* member) {
  auto outer = task.find(field);
  if (outer == task.end() || !outer->is_object()) return nullptr;
  auto inner = outer->find(member);
  return inner == outer->end() ? nullptr : &*inner;
}

}  // namespace

std::pair<std::string, const nlohmann::ordered_json*> TaskListEntry(
    const nlohmann::ordered_json& entry) {
  if (!entry.is_object() || entry.size() != 1) return {"", nullptr};
  auto it = entry.begin();
  return {it.key(), &it.value()};
}

TaskOutcome ExpressionFailure(const absl::Status& status, const std::string& path) {
  return TaskOutcome::Raised(durable::StandardError("expression", "Expression error",
                                                    std::string(status.message()), path));
}

nlohmann::json DescribeTime(absl::Time time) {
  return {{"iso8601", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone())},
          {"epoch",
           {{"seconds", absl::ToUnixSeconds(time)}, {"milliseconds", absl::ToUnixMillis(time)}}}};
}

TaskRunner::TaskRunner(const WorkflowDocument& document, const RuntimeValues& runtime,
                       durable::WorkflowContext& context, const InterpreterOptions& options,
                       nlohmann::json workflow_descriptor)
    : document_(document),
      runtime_(runtime),
      context_(context),
      options_(options),
      workflow_descriptor_(std::move(workflow_descriptor)),
      own_evaluator_(options.evaluator == nullptr ? std::make_unique<ExpressionEvaluator>()
                                                  : nullptr),
      evaluator_(options.evaluator != nullptr ? *options.evaluator : *own_evaluator_) {}

ExpressionVariables TaskRunner::WorkflowVariables() const {
  ExpressionVariables variables;
  variables.context = context_data_;
  variables.secrets = runtime_.secrets;
  variables.workflow = workflow_descriptor_;
  variables.runtime = runtime_.runtime;
  return variables;
}

nlohmann::json TaskRunner::TaskDescriptor(const std::string& name, const std::string& path,
                                          const nlohmann::ordered_json& task,
                                          const nlohmann::json& raw_input) {
  return {{"name", name},       {"reference", path}, {"definition", nlohmann::json(task)},
          {"input", raw_input}, {"output", nullptr}, {"startedAt", DescribeTime(context_.Now())}};
}

absl::StatusOr<TaskOutcome> TaskRunner::RunTaskList(const nlohmann::ordered_json& list,
                                                    const std::string& path, nlohmann::json input,
                                                    const Scope& scope, bool* exited) {
  nlohmann::json data = std::move(input);
  if (!list.is_array()) return TaskOutcome::Completed(std::move(data));
  int backward_jumps = 0;
  size_t index = 0;
  while (index < list.size()) {
    auto [name, task] = TaskListEntry(list[index]);
    const std::string task_path = JsonPointerAppend(JsonPointerAppend(path, index), name);
    if (task == nullptr) {
      return TaskOutcome::Raised(durable::StandardError(
          "configuration", "Invalid task", "a task list entry must hold one task", task_path));
    }
    absl::StatusOr<TaskOutcome> outcome = RunTask(name, *task, task_path, data, scope);
    if (!outcome.ok() || outcome->kind != TaskOutcome::Kind::kCompleted) return outcome;
    data = std::move(outcome->output);
    const std::string& then = outcome->then;
    if (then == "continue") {
      ++index;
    } else if (then == "exit") {
      if (exited != nullptr) *exited = true;
      break;
    } else if (then == "end") {
      return TaskOutcome{TaskOutcome::Kind::kEnded, std::move(data), "end", {}};
    } else {
      int target = FindTask(list, then);
      if (target < 0) {
        return TaskOutcome::Raised(durable::StandardError(
            "configuration", "Invalid flow directive",
            absl::StrCat("then: no task named \"", then, "\" in the same list"), task_path));
      }
      if (static_cast<size_t>(target) <= index && ++backward_jumps > options_.max_iterations) {
        return TaskOutcome::Raised(durable::StandardError(
            "runtime", "Iteration limit reached",
            absl::StrCat("task \"", name, "\" jumped back more than ", options_.max_iterations,
                         " times (then: ", then, ")"),
            task_path));
      }
      index = static_cast<size_t>(target);
    }
  }
  return TaskOutcome::Completed(std::move(data));
}

absl::StatusOr<TaskOutcome> TaskRunner::RunTask(const std::string& name,
                                                const nlohmann::ordered_json& task,
                                                const std::string& path,
                                                const nlohmann::json& raw_input,
                                                const Scope& scope) {
  const absl::Time started_at = context_.Now();
  ExpressionVariables variables = WorkflowVariables();
  variables.extra = scope;
  variables.task = TaskDescriptor(name, path, task, raw_input);

  // `if` sees the raw input, before any other expression of the task (dsl-reference.md, Task).
  bool condition_failed = false;
  absl::StatusOr<TaskOutcome> outcome;
  if (auto condition = task.find("if"); condition != task.end() && condition->is_string()) {
    ExpressionVariables if_variables = variables;
    if_variables.input = raw_input;
    absl::StatusOr<bool> run =
        evaluator_.EvaluateCondition(condition->get<std::string>(), raw_input, if_variables);
    if (run.ok() && !*run) return TaskOutcome::Completed(raw_input);  // skipped: no marker
    if (!run.ok()) {
      outcome = ExpressionFailure(run.status(), path);
      condition_failed = true;
    }
  }

  // Every task not skipped is recorded however it ends, listed before the tasks that ran
  // inside it.
  const size_t recorded_before = context_.TasksRecorded();
  if (!condition_failed) outcome = RunStartedTask(task, path, raw_input, variables, scope);
  if (!outcome.ok()) return outcome;
  durable::TaskEnd end;
  switch (outcome->kind) {
    case TaskOutcome::Kind::kCompleted:
    case TaskOutcome::Kind::kEnded:
      end.output = outcome->output;
      break;
    case TaskOutcome::Kind::kRaised:
      end.state = durable::TaskEnd::State::kFailed;
      end.error = outcome->error;
      break;
    case TaskOutcome::Kind::kSuspended:
      if (!context_.CancelRequested()) return outcome;
      end.state = durable::TaskEnd::State::kCancelled;
      break;
  }
  end.descendants = context_.TasksRecorded() - recorded_before;
  if (absl::Status marked = context_.TaskEnded(path, name, started_at, end); !marked.ok()) {
    return marked;
  }
  if (outcome->kind != TaskOutcome::Kind::kCompleted) return outcome;
  // A directive chosen by the task itself (a switch case) wins over the task's `then`.
  if (outcome->then == "continue") {
    if (auto then = task.find("then"); then != task.end() && then->is_string()) {
      outcome->then = then->get<std::string>();
    }
  }
  return outcome;
}

absl::StatusOr<TaskOutcome> TaskRunner::RunStartedTask(const nlohmann::ordered_json& task,
                                                       const std::string& path,
                                                       const nlohmann::json& raw_input,
                                                       ExpressionVariables& variables,
                                                       const Scope& scope) {
  if (std::optional<TaskOutcome> invalid =
          SchemaViolation(task, "input", raw_input, "the task's", path)) {
    return *std::move(invalid);
  }
  nlohmann::json input = raw_input;
  if (const nlohmann::ordered_json* from = Member(task, "input", "from")) {
    absl::StatusOr<nlohmann::json> transformed =
        from->is_string() ? evaluator_.Evaluate(from->get<std::string>(), raw_input, variables)
                          : evaluator_.EvaluateValue(*from, raw_input, variables);
    if (!transformed.ok()) return ExpressionFailure(transformed.status(), path);
    input = *std::move(transformed);
  }
  variables.input = input;

  absl::StatusOr<TaskOutcome> body = RunExtendedTask(task, path, input, variables, scope);
  if (!body.ok() || body->kind != TaskOutcome::Kind::kCompleted) return body;
  TaskOutcome outcome = *std::move(body);
  variables.task["output"] = outcome.output;

  if (const nlohmann::ordered_json* as = Member(task, "output", "as")) {
    absl::StatusOr<nlohmann::json> transformed =
        as->is_string() ? evaluator_.Evaluate(as->get<std::string>(), outcome.output, variables)
                        : evaluator_.EvaluateValue(*as, outcome.output, variables);
    if (!transformed.ok()) return ExpressionFailure(transformed.status(), path);
    outcome.output = *std::move(transformed);
  }
  if (std::optional<TaskOutcome> invalid =
          SchemaViolation(task, "output", outcome.output, "the task's", path)) {
    return *std::move(invalid);
  }
  variables.output = outcome.output;

  if (const nlohmann::ordered_json* as = Member(task, "export", "as")) {
    absl::StatusOr<nlohmann::json> exported =
        as->is_string() ? evaluator_.Evaluate(as->get<std::string>(), outcome.output, variables)
                        : evaluator_.EvaluateValue(*as, outcome.output, variables);
    if (!exported.ok()) return ExpressionFailure(exported.status(), path);
    if (std::optional<TaskOutcome> invalid =
            SchemaViolation(task, "export", *exported, "the exported context of the task", path)) {
      return *std::move(invalid);
    }
    context_data_ = *std::move(exported);
  }
  return outcome;
}

}  // namespace stigmer::workflow

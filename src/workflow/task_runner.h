#ifndef STIGMER_WORKFLOW_TASK_RUNNER_H_
#define STIGMER_WORKFLOW_TASK_RUNNER_H_

// The interpreter's engine: runs task lists and tasks. Internal to interpreter.cc and the
// task_*.cc files; see interpreter.h for the behaviour.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "workflow/expression_evaluator.h"
#include "workflow/interpreter.h"

namespace stigmer::workflow {

// What running a task or a task list came to.
struct TaskOutcome {
  enum class Kind {
    kCompleted,  // `output`, then `then`
    kRaised,     // `error`
    kSuspended,  // a side effect is pending
    kEnded,      // `then: end`: the workflow ends with `output`
  };
  Kind kind = Kind::kCompleted;
  nlohmann::json output;
  std::string then = "continue";
  durable::WorkflowError error;

  static TaskOutcome Completed(nlohmann::json output) {
    return {Kind::kCompleted, std::move(output), "continue", {}};
  }
  static TaskOutcome Raised(durable::WorkflowError error) {
    return {Kind::kRaised, nullptr, "continue", std::move(error)};
  }
  static TaskOutcome Suspended() { return {Kind::kSuspended, nullptr, "continue", {}}; }
};

// Variables of enclosing tasks (`for` each/at, catch as), names without '$'.
using Scope = std::map<std::string, nlohmann::json>;

// One interpreter run. Not thread-safe.
class TaskRunner {
 public:
  TaskRunner(const WorkflowDocument& document, const RuntimeValues& runtime,
             durable::WorkflowContext& context, const InterpreterOptions& options,
             nlohmann::json workflow_descriptor);

  // Runs the task list `list` (a `do`) at `path` (e.g. "/do") on `input`, following flow
  // directives. kCompleted with the last task's output (or `input` when no task ran); sets
  // `*exited`, when given, to whether a task's `then: exit` ended the list.
  absl::StatusOr<TaskOutcome> RunTaskList(const nlohmann::ordered_json& list,
                                          const std::string& path, nlohmann::json input,
                                          const Scope& scope, bool* exited = nullptr);

  // The variables for a workflow-level expression: $context, $secrets, $workflow, $runtime.
  ExpressionVariables WorkflowVariables() const;

  ExpressionEvaluator& evaluator() { return evaluator_; }

  // `value` checked against `owner[field].schema.document` (owner: a task, the workflow's
  // document or a function; field: "input", "output" or "export"): nullopt when it matches or
  // there is no schema, otherwise the validation error (400) at `path`, saying `whose` ("the
  // task's") value failed where (task_schema.cc).
  std::optional<TaskOutcome> SchemaViolation(const nlohmann::ordered_json& owner, const char* field,
                                             const nlohmann::json& value, const std::string& whose,
                                             const std::string& path);

 private:
  // One task: input.from, if, the task itself, output.as, export.as, the marker, its `then`.
  absl::StatusOr<TaskOutcome> RunTask(const std::string& name, const nlohmann::ordered_json& task,
                                      const std::string& path, const nlohmann::json& raw_input,
                                      const Scope& scope);

  // RunTask once `if` let the task run: input.from, the task, output.as, export.as.
  absl::StatusOr<TaskOutcome> RunStartedTask(const nlohmann::ordered_json& task,
                                             const std::string& path,
                                             const nlohmann::json& raw_input,
                                             ExpressionVariables& variables, const Scope& scope);

  // RunTaskBody wrapped in the use.extensions that apply to the task (task_extensions.cc):
  // their `before` tasks (a `then: exit` there skips the task: the before-tasks' output stands
  // for its body's output, then output.as applies), the task, their `after` tasks (on the body's
  // output; their own output is discarded).
  absl::StatusOr<TaskOutcome> RunExtendedTask(const nlohmann::ordered_json& task,
                                              const std::string& path, const nlohmann::json& input,
                                              ExpressionVariables& variables, const Scope& scope);

  // `call: <function>` (task_functions.cc): an inline, cataloged or file function, run as the
  // task it defines with the evaluated `with` as its input, checked against its input.schema.
  absl::StatusOr<TaskOutcome> RunFunctionCall(const nlohmann::ordered_json& task,
                                              const std::string& path, const nlohmann::json& input,
                                              const ExpressionVariables& variables);

  // The task's own work on its transformed input; the raw output. Defined in task_flow.cc
  // (set, do, switch, for, raise, wait), task_retry.cc (try), task_fork.cc (fork) and
  // task_calls.cc (call, run).
  absl::StatusOr<TaskOutcome> RunTaskBody(const nlohmann::ordered_json& task,
                                          const std::string& path, const nlohmann::json& input,
                                          ExpressionVariables& variables, const Scope& scope);
  // RunTaskBody raced against the task's `timeout`, if it has one (task_timeout.cc).
  absl::StatusOr<TaskOutcome> RunTaskBodyWithinTimeout(const nlohmann::ordered_json& task,
                                                       const std::string& path,
                                                       const nlohmann::json& input,
                                                       ExpressionVariables& variables,
                                                       const Scope& scope);
  // Runs `body` raced against a durable timer of `after` at `timer_path`: the body's outcome
  // when it ends first (the timer is cancelled), `late` raised when the timer fires first (what
  // the body has in flight is cancelled, its new commands dropped, $context left as it was).
  absl::StatusOr<TaskOutcome> RaceTimer(const std::string& timer_path, absl::Duration after,
                                        durable::WorkflowError late,
                                        const std::function<absl::StatusOr<TaskOutcome>()>& body);
  absl::StatusOr<TaskOutcome> RunSwitch(const nlohmann::ordered_json& task, const std::string& path,
                                        const nlohmann::json& input,
                                        const ExpressionVariables& variables);
  absl::StatusOr<TaskOutcome> RunFor(const nlohmann::ordered_json& task, const std::string& path,
                                     const nlohmann::json& input,
                                     const ExpressionVariables& variables, const Scope& scope);
  absl::StatusOr<TaskOutcome> RunTry(const nlohmann::ordered_json& task, const std::string& path,
                                     const nlohmann::json& input,
                                     const ExpressionVariables& variables, const Scope& scope);
  absl::StatusOr<TaskOutcome> RunFork(const nlohmann::ordered_json& task, const std::string& path,
                                      const nlohmann::json& input, const Scope& scope);
  // One fork branch, the task `name` at `path`: its outcome once its `then` is applied
  // (continue and exit complete the branch, end ends it).
  absl::StatusOr<TaskOutcome> RunBranch(const std::string& name, const nlohmann::ordered_json& task,
                                        const std::string& path, const nlohmann::json& input,
                                        const Scope& scope);
  absl::StatusOr<TaskOutcome> RunRaise(const nlohmann::ordered_json& task, const std::string& path,
                                       const nlohmann::json& input,
                                       const ExpressionVariables& variables);
  absl::StatusOr<TaskOutcome> RunWait(const nlohmann::ordered_json& task, const std::string& path,
                                      const nlohmann::json& input);
  absl::StatusOr<TaskOutcome> RunCall(const nlohmann::ordered_json& task, const std::string& path,
                                      const nlohmann::json& input,
                                      const ExpressionVariables& variables);
  // `call: agent` (task_agent_call.cc).
  absl::StatusOr<TaskOutcome> RunAgentCall(const nlohmann::ordered_json& task,
                                           const std::string& path, const nlohmann::json& input,
                                           const ExpressionVariables& variables);
  // Starts `child` for the task at `path` (task_child_workflow.cc): Suspended until it ends
  // (or, not awaited, has started), then its output, or its error at `path`.
  absl::StatusOr<TaskOutcome> RunChild(const durable::ChildWorkflow& child,
                                       const std::string& path);
  // `run: workflow` (task_run_workflow.cc).
  absl::StatusOr<TaskOutcome> RunWorkflowRun(const nlohmann::ordered_json& task,
                                             const std::string& path, const nlohmann::json& input,
                                             const ExpressionVariables& variables);
  absl::StatusOr<TaskOutcome> RunShell(const nlohmann::ordered_json& task, const std::string& path,
                                       const nlohmann::json& input,
                                       const ExpressionVariables& variables);
  // `listen` (task_listen.cc).
  absl::StatusOr<TaskOutcome> RunListen(const nlohmann::ordered_json& task, const std::string& path,
                                        const nlohmann::json& input,
                                        const ExpressionVariables& variables, const Scope& scope);
  // `emit` (task_emit.cc).
  absl::StatusOr<TaskOutcome> RunEmit(const nlohmann::ordered_json& task, const std::string& path,
                                      const nlohmann::json& input,
                                      const ExpressionVariables& variables);

  // $task for the task at `path`.
  nlohmann::json TaskDescriptor(const std::string& name, const std::string& path,
                                const nlohmann::ordered_json& task,
                                const nlohmann::json& raw_input);

  const WorkflowDocument& document_;
  const RuntimeValues& runtime_;
  durable::WorkflowContext& context_;
  const InterpreterOptions& options_;
  nlohmann::json workflow_descriptor_;
  nlohmann::json context_data_ = nlohmann::json::object();  // $context
  std::unique_ptr<ExpressionEvaluator> own_evaluator_;      // when options.evaluator is null
  ExpressionEvaluator& evaluator_;
  int function_depth_ = 0;     // functions running inside one another
  bool in_extension_ = false;  // running an extension's tasks: they are not extended
};

// The name and definition of the entry `entry` of a task list (a one-key map); {"", nullptr}
// when it is not one.
std::pair<std::string, const nlohmann::ordered_json*> TaskListEntry(
    const nlohmann::ordered_json& entry);

// An expression error raised at `path` from an evaluator status.
TaskOutcome ExpressionFailure(const absl::Status& status, const std::string& path);

// {iso8601, epoch: {seconds, milliseconds}} for `time`, as the DSL's descriptors hold it.
nlohmann::json DescribeTime(absl::Time time);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_TASK_RUNNER_H_

#ifndef STIGMER_WORKFLOW_TASK_RUNNER_H_
#define STIGMER_WORKFLOW_TASK_RUNNER_H_

// The interpreter's engine: runs task lists and tasks. Internal to interpreter.cc and the
// task_*.cc files; see interpreter.h for the behaviour.

#include <map>
#include <memory>
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
  // directives. kCompleted with the last task's output (or `input` when no task ran).
  absl::StatusOr<TaskOutcome> RunTaskList(const nlohmann::ordered_json& list,
                                          const std::string& path, nlohmann::json input,
                                          const Scope& scope);

  // The variables for a workflow-level expression: $context, $secrets, $workflow, $runtime.
  ExpressionVariables WorkflowVariables() const;

  ExpressionEvaluator& evaluator() { return evaluator_; }

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

  // The task's own work on its transformed input; the raw output. Defined in task_flow.cc
  // (set, do, switch, for, raise, wait), task_retry.cc (try), task_fork.cc (fork) and
  // task_calls.cc (call, run).
  absl::StatusOr<TaskOutcome> RunTaskBody(const nlohmann::ordered_json& task,
                                          const std::string& path, const nlohmann::json& input,
                                          ExpressionVariables& variables, const Scope& scope);
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

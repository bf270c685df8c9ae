#ifndef STIGMER_WORKFLOW_DSL_TASK_VALIDATOR_H_
#define STIGMER_WORKFLOW_DSL_TASK_VALIDATOR_H_

#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "workflow/dsl_validation_context.h"

namespace stigmer::workflow {

// Where a task is: its pointer ("/do/1/fetch"), the expression scope there, and the names of
// the tasks of its list (what its flow directives may name).
struct TaskPlace {
  std::string pointer;
  ExpressionScope scope;
  const std::vector<std::string>* siblings = nullptr;
};

// Validates a task list (the workflow's `do`, a `do` task, `for.do`, `try`, `catch.do`,
// `fork.branches`): a non-empty list of single-key mappings {name: task} with unique names, and
// each task in it. Marks `pointer` checked in `context`: the tasks' expressions are checked here,
// in `scope`.
void ValidateTaskList(ValidationContext& context, const nlohmann::ordered_json& list,
                      const std::string& pointer, const ExpressionScope& scope);

// Validates one task: exactly one task type (call, do, emit, for, fork, listen, raise, run, set,
// switch, try, wait), its required fields, the common fields (if, input, output, export,
// timeout, then, metadata), no unknown fields, and every expression in it. `emit`, `listen` and
// the unsupported call and run kinds are refused.
void ValidateTask(ValidationContext& context, const nlohmann::ordered_json& task,
                  const TaskPlace& place);

// A flow directive (`then`): continue, exit, end, or the name of a task in `siblings`.
void ValidateFlowDirective(ValidationContext& context, const nlohmann::ordered_json& directive,
                           const std::string& pointer, const std::vector<std::string>& siblings);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_DSL_TASK_VALIDATOR_H_

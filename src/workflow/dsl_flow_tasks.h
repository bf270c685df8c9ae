#ifndef STIGMER_WORKFLOW_DSL_FLOW_TASKS_H_
#define STIGMER_WORKFLOW_DSL_FLOW_TASKS_H_

#include "nlohmann/json.hpp"
#include "workflow/dsl_task_validator.h"
#include "workflow/dsl_validation_context.h"

namespace stigmer::workflow {

// The checks of the task types that direct the flow and hold other tasks, each for a task
// already known to be of that type. Problems go into `context`, below place.pointer; nested task
// lists are validated with ValidateTaskList in the scope they run in.

// `do`: a task list.
void ValidateDoTask(ValidationContext& context, const nlohmann::ordered_json& task,
                    const TaskPlace& place);

// `for`: for.in (an expression) required, for.each and for.at jq variable names (defaults item
// and index, both bound in `while` and in `do`), `while` an expression, `do` a task list.
void ValidateForTask(ValidationContext& context, const nlohmann::ordered_json& task,
                     const TaskPlace& place);

// `fork`: fork.branches a task list, fork.compete a boolean.
void ValidateForkTask(ValidationContext& context, const nlohmann::ordered_json& task,
                      const TaskPlace& place);

// `switch`: a non-empty list of single-key cases {name: {when, then}}; `then` is required and a
// flow directive of the switch's own list; `when` is an expression; at most one case without
// `when` (the default).
void ValidateSwitchTask(ValidationContext& context, const nlohmann::ordered_json& task,
                        const TaskPlace& place);

// `try`: a task list, and `catch` (required): errors.with, `as` (a jq variable name, default
// error, bound in when, exceptWhen, retry and do), when, exceptWhen, retry (a policy or the name
// of one in use.retries), do.
void ValidateTryTask(ValidationContext& context, const nlohmann::ordered_json& task,
                     const TaskPlace& place);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_DSL_FLOW_TASKS_H_

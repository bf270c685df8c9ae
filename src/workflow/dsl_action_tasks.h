#ifndef STIGMER_WORKFLOW_DSL_ACTION_TASKS_H_
#define STIGMER_WORKFLOW_DSL_ACTION_TASKS_H_

#include "nlohmann/json.hpp"
#include "workflow/dsl_task_validator.h"
#include "workflow/dsl_validation_context.h"

namespace stigmer::workflow {

// The checks of the task types that act (as opposed to the ones that direct the flow), each for
// a task already known to be of that type. Problems go into `context`, below place.pointer.

// `call`: http (with.method and with.endpoint required, endpoint.authentication as
// dsl_authentication.h checks it; headers, query, body, output content|response|raw, redirect).
// grpc, openapi and mcp as dsl_grpc_call.h, dsl_openapi_call.h and dsl_mcp_call.h check them;
// asyncapi is refused (no broker on this machine) and a2a as not supported yet; any other name
// must be a function (dsl_functions.h: use.functions, name:version@catalog, a file:// URI).
void ValidateCallTask(ValidationContext& context, const nlohmann::ordered_json& task,
                      const TaskPlace& place);

// `raise`: raise.error, an error definition or the name of one in use.errors.
void ValidateRaiseTask(ValidationContext& context, const nlohmann::ordered_json& task,
                       const TaskPlace& place);

// `run`: exactly one of shell, container, script, workflow (shell: command required;
// arguments, environment, stdin; script and container: dsl_run_processes.h; workflow is not
// supported yet), `await` (boolean) and `return` (stdout|stderr|code|all|none) inside `run`.
void ValidateRunTask(ValidationContext& context, const nlohmann::ordered_json& task,
                     const TaskPlace& place);

// `set`: a non-empty object, or a runtime expression.
void ValidateSetTask(ValidationContext& context, const nlohmann::ordered_json& task,
                     const TaskPlace& place);

// `wait`: a duration.
void ValidateWaitTask(ValidationContext& context, const nlohmann::ordered_json& task,
                      const TaskPlace& place);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_DSL_ACTION_TASKS_H_

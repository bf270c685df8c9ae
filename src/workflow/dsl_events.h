#ifndef STIGMER_WORKFLOW_DSL_EVENTS_H_
#define STIGMER_WORKFLOW_DSL_EVENTS_H_

#include "nlohmann/json.hpp"
#include "workflow/dsl_task_validator.h"
#include "workflow/dsl_validation_context.h"

namespace stigmer::workflow {

// The checks of the event tasks, each for a task already known to be of that type. Problems go
// into `context`, below place.pointer.

// `emit`: emit.event.with an object with `source` and `type` (the other CloudEvents attributes
// and `data` are optional; values may be expressions).
void ValidateEmitTask(ValidationContext& context, const nlohmann::ordered_json& task,
                      const TaskPlace& place);

// `listen`: listen.to a consumption strategy (exactly one of `one` (a filter), `all` or `any`
// (lists of filters; `any` may be empty: every event), `until` only with `any`: an expression or
// a strategy without `until`); a filter is {with: a non-empty mapping, correlate?: a non-empty
// mapping of keys to {from: an expression, expect?: a string, constant or runtime expression}};
// listen.read data, envelope or raw; `foreach` with `item`, `at` (variable names, defaults item
// and index, bound in `do`), `do` (a task list), `output`, `export`.
void ValidateListenTask(ValidationContext& context, const nlohmann::ordered_json& task,
                        const TaskPlace& place);

// The document's `schedule.on`: a consumption strategy with `one` or `any` (each matching event
// starts an execution of the workflow with the event as its input's first item); `all` and
// `until` are refused.
void ValidateScheduleOn(ValidationContext& context, const nlohmann::ordered_json& on);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_DSL_EVENTS_H_

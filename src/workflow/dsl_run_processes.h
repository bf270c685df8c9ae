#ifndef STIGMER_WORKFLOW_DSL_RUN_PROCESSES_H_
#define STIGMER_WORKFLOW_DSL_RUN_PROCESSES_H_

// Checks of `run: script` and `run: container` (dsl-reference.md, Script Process and Container
// Process). Problems go into `context`, below `pointer` (the script or container object).

#include <string>

#include "nlohmann/json.hpp"
#include "workflow/dsl_validation_context.h"

namespace stigmer::workflow {

// language (js, javascript or python) required; exactly one of code (a string, never an
// expression: its `${ }` are the script's own) and source ({name?, endpoint: a file:// URI or an
// absolute path, or {uri}}: http(s) is refused, stigmer reaches no network at run time);
// arguments a list or a map, environment a map.
void ValidateScriptProcess(ValidationContext& context, const nlohmann::ordered_json& script,
                           const std::string& pointer);

// image required; name and command strings; ports, volumes and environment maps; arguments a
// list; pullPolicy ifNotPresent|always|never; lifetime {cleanup: always|never|eventually, after:
// a duration, required for eventually}.
void ValidateContainerProcess(ValidationContext& context, const nlohmann::ordered_json& container,
                              const std::string& pointer);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_DSL_RUN_PROCESSES_H_

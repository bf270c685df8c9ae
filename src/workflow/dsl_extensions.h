#ifndef STIGMER_WORKFLOW_DSL_EXTENSIONS_H_
#define STIGMER_WORKFLOW_DSL_EXTENSIONS_H_

// use.extensions (dsl-reference.md, Extension): a list of {name: {extend, when?, before?,
// after?}}.

#include <string>

#include "nlohmann/json.hpp"
#include "workflow/dsl_validation_context.h"

namespace stigmer::workflow {

// The extension type of `task` as `extend` names it: call, composite (do), emit, for, fork,
// listen, raise, run, set, switch, try or wait; "" when it has none of these.
std::string ExtensionTaskType(const nlohmann::ordered_json& task);

// Checks use.extensions: names unique, `extend` one of the types above or `all`, `when` an
// expression (with $task), `before` and `after` task lists.
void ValidateExtensions(ValidationContext& context, const nlohmann::ordered_json& extensions);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_DSL_EXTENSIONS_H_

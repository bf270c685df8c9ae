#ifndef STIGMER_WORKFLOW_DSL_DEFINITIONS_H_
#define STIGMER_WORKFLOW_DSL_DEFINITIONS_H_

#include <string>

#include "nlohmann/json.hpp"
#include "workflow/dsl_validation_context.h"

namespace stigmer::workflow {

// Checks of the DSL's shared definitions, used by the workflow, by tasks and by `use`. Each
// reports what is wrong into `context`, at `pointer` or below it.

// An error (raise.error, use.errors): `type` (string) and `status` (integer, or a runtime
// expression) are required; `title`, `detail` and `instance` are strings.
void ValidateErrorDefinition(ValidationContext& context, const nlohmann::ordered_json& error,
                             const std::string& pointer);

// A retry policy (catch.retry, use.retries): `when`/`exceptWhen` expressions (with `scope`),
// `delay` a duration, `backoff` exactly one of constant/exponential/linear, `limit` (attempt.count,
// attempt.duration, duration) and `jitter` (from, to).
void ValidateRetryPolicy(ValidationContext& context, const nlohmann::ordered_json& policy,
                         const std::string& pointer, const ExpressionScope& scope);

// A timeout (workflow or task): the name of one in use.timeouts, or {after: duration}.
void ValidateTimeout(ValidationContext& context, const nlohmann::ordered_json& timeout,
                     const std::string& pointer);

// An external resource ({name, endpoint: <uri> | {uri}}): the literal URI it names, with the
// pointer of that URI in `*uri_pointer`; nullptr when it is not well formed (reported) or is a
// runtime expression (known only at run time).
const nlohmann::ordered_json* ValidateExternalResource(ValidationContext& context,
                                                       const nlohmann::ordered_json& resource,
                                                       const std::string& pointer,
                                                       std::string* uri_pointer);

// A Schema ({format, document | resource}): format json, an inline `document` that is a JSON
// Schema valijson can use; `resource` is refused (nothing is fetched at run time).
void ValidateSchemaDefinition(ValidationContext& context, const nlohmann::ordered_json& schema,
                              const std::string& pointer);

// `input` ({schema, from}), `output` and `export` ({schema, as}): `filter_key` names the
// transformation, a runtime expression (string) or an object whose `${ }` strings are expressions.
void ValidateDataFilter(ValidationContext& context, const nlohmann::ordered_json& filter,
                        const std::string& pointer, const char* filter_key,
                        const ExpressionScope& scope);

// True when use.<section> of the document defines `name`, e.g. UseDefines(doc, "errors", "x").
bool UseDefines(const nlohmann::ordered_json& document, const char* section,
                const std::string& name);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_DSL_DEFINITIONS_H_

#ifndef STIGMER_WORKFLOW_JSON_SCHEMA_H_
#define STIGMER_WORKFLOW_JSON_SCHEMA_H_

// JSON Schema checks of the DSL's `input.schema` and `output.schema` (and a function's input
// schema), with valijson. A schema comes from a user's document, and valijson runs its
// `pattern`s with std::regex, which recurses once per character of the string (a long string
// overflows the stack) and backtracks exponentially (`(a+)+b`): workflow-runner therefore
// checks values in its expression sandbox (JqRunner::CheckSchema), never in its own process.
// Remote `$ref`s are not fetched: no network at run time.

#include <string>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"

namespace stigmer::workflow {

// OK when `schema` is a JSON Schema valijson can use; InvalidArgument saying why otherwise
// ("Unrecognised JSON type name 'strin'"). Parsing runs no regular expression.
absl::Status CheckJsonSchema(const nlohmann::json& schema);

// OK when `value` matches `schema`; InvalidArgument naming the first failing place as a JSON
// pointer and why ("at /items/0/price: Expected number greater than or equal to 0"), or why
// the schema is unusable. Runs the schema's regular expressions: call it only where a crash or
// a hang is contained (the sandbox's child), or on schemas of our own.
absl::Status ValidateJson(const nlohmann::json& schema, const nlohmann::json& value);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_JSON_SCHEMA_H_

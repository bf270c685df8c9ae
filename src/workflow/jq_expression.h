#ifndef STIGMER_WORKFLOW_JQ_EXPRESSION_H_
#define STIGMER_WORKFLOW_JQ_EXPRESSION_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace stigmer::workflow {

// Runtime expressions are jq programs. In a document they are written `${ <jq> }` (the DSL's
// strict evaluation mode); the fields that are expressions by definition (`if`, `for.in`,
// `while`, switch `when`, catch and retry `when`/`exceptWhen`, `input.from`, `output.as`,
// `export.as`) may also hold the bare jq program.

// The variables every runtime expression may use, as the DSL binds them: $context, $input,
// $output, $secrets, $task, $workflow, $runtime and $authorization (without the '$').
const std::vector<std::string>& StandardExpressionVariables();

// True when `text`, leading and trailing whitespace aside, starts with "${" and ends with "}".
bool IsRuntimeExpression(absl::string_view text);

// The jq program of a runtime expression: what is between "${" and "}", trimmed; `text`
// itself, trimmed, when it is not a runtime expression.
absl::string_view RuntimeExpressionBody(absl::string_view text);

// Compiles RuntimeExpressionBody(expression) with libjq, the standard variables and
// `extra_variables` (names without '$', e.g. the `each` of an enclosing `for`) bound.
// OK when it compiles; InvalidArgument with jq's message otherwise (e.g. "syntax error,
// unexpected $end" or "$foo is not defined"), also for an empty program, a program holding a NUL
// character and a program longer than 64 KiB.
// Thread-safe. Results are memoized process-wide (a bounded cache keyed by program and
// variables), because libjq 1.6 takes milliseconds per compile (it recompiles its builtins).
absl::Status CompileJqExpression(absl::string_view expression,
                                 const std::vector<std::string>& extra_variables);
absl::Status CompileJqExpression(absl::string_view expression);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_JQ_EXPRESSION_H_

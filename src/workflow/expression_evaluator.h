#ifndef STIGMER_WORKFLOW_EXPRESSION_EVALUATOR_H_
#define STIGMER_WORKFLOW_EXPRESSION_EVALUATOR_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"
#include "workflow/jq_runner.h"

namespace stigmer::workflow {

// The arguments of a runtime expression (dsl.md, "Runtime expression arguments"). Every
// standard variable is always bound; the ones not available where an expression stands (e.g.
// $output outside export.as) are null.
struct ExpressionVariables {
  nlohmann::json context = nlohmann::json::object();
  nlohmann::json input;
  nlohmann::json output;
  nlohmann::json secrets = nlohmann::json::object();
  nlohmann::json task;
  nlohmann::json workflow;
  nlohmann::json runtime;
  nlohmann::json authorization;
  // Variables of enclosing tasks, names without '$': a `for`'s `each` and `at`, a catch's `as`.
  std::map<std::string, nlohmann::json> extra;
};

// Evaluates runtime expressions with libjq, through a JqRunner: in this process by default, or
// in an ExpressionSandbox that bounds each evaluation's time and memory. The runner keeps
// compiled programs, so one evaluator per worker thread compiles each expression once. Not
// thread-safe.
//
// Errors name the expression: "expression `<expression>`: <message>", where the message is
// jq's (InvalidArgument, e.g. "expression `${ .a + 1 }`: object ({}) and number (1) cannot be
// added") or the bound that stopped it (ResourceExhausted, e.g. "... stopped after 2 s, the
// limit for one expression (STIGMER_EXPRESSION_TIMEOUT_MS)"); the caller names the task.
// Numbers pass through libjq as doubles: integers beyond 2^53 lose precision.
class ExpressionEvaluator {
 public:
  // Evaluates in this process, without bounds.
  ExpressionEvaluator();
  // Evaluates with `runner`.
  explicit ExpressionEvaluator(std::unique_ptr<JqRunner> runner);
  ExpressionEvaluator(const ExpressionEvaluator&) = delete;
  ExpressionEvaluator& operator=(const ExpressionEvaluator&) = delete;

  // Runs `expression` (`${ <jq> }` or a bare jq program) on `data`: its first result, or null
  // when it produces none.
  absl::StatusOr<nlohmann::json> Evaluate(absl::string_view expression, const nlohmann::json& data,
                                          const ExpressionVariables& variables);

  // A value of the document with its runtime expressions evaluated: a string that
  // IsRuntimeExpression is replaced by its result, other strings are kept as they are, objects
  // and arrays are evaluated member by member (keys are kept as they are).
  absl::StatusOr<nlohmann::json> EvaluateValue(const nlohmann::ordered_json& value,
                                               const nlohmann::json& data,
                                               const ExpressionVariables& variables);

  // A condition (`if`, `while`, `when`, `exceptWhen`): Evaluate, then jq's truth (false and
  // null are false, everything else true).
  absl::StatusOr<bool> EvaluateCondition(absl::string_view expression, const nlohmann::json& data,
                                         const ExpressionVariables& variables);

  // `value` checked against the JSON Schema `schema` by the runner (JqRunner::CheckSchema).
  absl::Status CheckSchema(const nlohmann::json& schema, const nlohmann::json& value);

 private:
  // The jq program that evaluates `body` with the extra variables of `extra`, once it
  // compiles.
  absl::StatusOr<std::string> Program(absl::string_view expression, absl::string_view body,
                                      const std::map<std::string, nlohmann::json>& extra);

  std::unique_ptr<JqRunner> runner_;
};

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_EXPRESSION_EVALUATOR_H_

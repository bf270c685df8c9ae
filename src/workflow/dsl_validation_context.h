#ifndef STIGMER_WORKFLOW_DSL_VALIDATION_CONTEXT_H_
#define STIGMER_WORKFLOW_DSL_VALIDATION_CONTEXT_H_

#include <initializer_list>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"
#include "workflow/validation_problem.h"

namespace stigmer::workflow {

// The names that runtime expressions may use at one place of a document besides the standard
// variables: the `each`/`at` of enclosing `for` tasks, the `as` of an enclosing `catch`.
using ExpressionScope = std::vector<std::string>;

// What the validators of one document share: the document, the problems found so far and the
// places whose expressions were checked already. Used by one thread.
class ValidationContext {
 public:
  // At most this many problems are kept; later ones are dropped.
  static constexpr size_t kMaxProblems = 200;

  explicit ValidationContext(const nlohmann::ordered_json& document) : document_(document) {}
  ValidationContext(const ValidationContext&) = delete;
  ValidationContext& operator=(const ValidationContext&) = delete;

  const nlohmann::ordered_json& document() const { return document_; }

  void Report(absl::string_view pointer, std::string message);

  // Each reports a problem at `pointer` ("must be a string", ...) unless `value` has the type,
  // and returns whether it has.
  bool ExpectString(const nlohmann::ordered_json& value, absl::string_view pointer);
  bool ExpectObject(const nlohmann::ordered_json& value, absl::string_view pointer);
  bool ExpectBoolean(const nlohmann::ordered_json& value, absl::string_view pointer);

  // Reports `missing required property "<name>"` at `pointer` unless `object` has `name`; returns
  // whether it has. REQUIRES: object.is_object().
  bool Require(const nlohmann::ordered_json& object, absl::string_view pointer,
               absl::string_view name);

  // Reports `unknown property "<name>"` at the pointer of each member of `object` not in
  // `allowed`. REQUIRES: object.is_object().
  void RejectUnknownMembers(const nlohmann::ordered_json& object, absl::string_view pointer,
                            std::initializer_list<absl::string_view> allowed);

  // Reports unless `value` is a DSL duration (see ParseDslDuration).
  void CheckDuration(const nlohmann::ordered_json& value, absl::string_view pointer);

  // For a field that is a runtime expression by definition (`if`, `for.in`, `while`, ...): reports
  // unless `value` is a string that compiles as jq, with or without "${ }".
  void CheckExpressionField(const nlohmann::ordered_json& value, const std::string& pointer,
                            const ExpressionScope& scope);

  // Compiles every `${ }` string in `value` and below it, except under places marked checked.
  void CheckEmbeddedExpressions(const nlohmann::ordered_json& value, const std::string& pointer,
                                const ExpressionScope& scope);

  // Excludes `pointer` and everything below it from CheckEmbeddedExpressions: for values checked
  // already, such as expression fields and nested task lists (validated in their own scope).
  void MarkChecked(const std::string& pointer) { checked_.insert(pointer); }

  std::vector<ValidationProblem> TakeProblems() { return std::move(problems_); }

 private:
  void CheckExpression(absl::string_view text, const std::string& pointer,
                       const ExpressionScope& scope);

  const nlohmann::ordered_json& document_;
  std::vector<ValidationProblem> problems_;
  absl::flat_hash_set<std::string> checked_;
};

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_DSL_VALIDATION_CONTEXT_H_

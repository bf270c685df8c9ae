// `input.schema`, `output.schema` and `export.schema` (dsl.md, "Data Flow"): checked where the
// data flow says, each a validation error (400) naming the failing place.

#include "absl/strings/str_cat.h"
#include "workflow/task_runner.h"

namespace stigmer::workflow {

std::optional<TaskOutcome> TaskRunner::SchemaViolation(const nlohmann::ordered_json& owner,
                                                       const char* field,
                                                       const nlohmann::json& value,
                                                       const std::string& whose,
                                                       const std::string& path) {
  auto holder = owner.find(field);
  if (holder == owner.end() || !holder->is_object()) return std::nullopt;
  auto schema = holder->find("schema");
  if (schema == holder->end() || !schema->is_object()) return std::nullopt;
  auto document = schema->find("document");
  if (document == schema->end()) return std::nullopt;  // validation refuses the other forms
  // A sandbox that failed is noticed by the worker (ExpressionSandbox::TakeFailure), as for
  // an expression.
  absl::Status checked = evaluator_.CheckSchema(nlohmann::json(*document), value);
  if (checked.ok()) return std::nullopt;
  return TaskOutcome::Raised(durable::StandardError(
      "validation", absl::StrCat("Invalid ", field),
      absl::StrCat(whose, " ", field, " does not match its schema: ", checked.message()), path));
}

}  // namespace stigmer::workflow

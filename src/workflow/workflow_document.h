#ifndef STIGMER_WORKFLOW_WORKFLOW_DOCUMENT_H_
#define STIGMER_WORKFLOW_WORKFLOW_DOCUMENT_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"
#include "workflow/validation_problem.h"

namespace stigmer::workflow {

// The largest document ParseWorkflowDocument takes.
inline constexpr size_t kMaxWorkflowDocumentBytes = 4 * 1024 * 1024;

// A parsed, validated Serverless Workflow DSL 1.0 document.
struct WorkflowDocument {
  // document.dsl, document.namespace, document.name and document.version.
  std::string dsl, namespace_, name, version;
  // The whole document, converted from YAML (see YamlToJson); keys keep their order, so tasks
  // keep theirs.
  nlohmann::ordered_json json;
};

// Parses YAML or JSON `text` holding one workflow document and validates it.
// InvalidArgument when:
// - the text is larger than 4 MiB: "the document is larger than 4 MiB";
// - it is not YAML: "line L, column C: <yaml-cpp's message>" (see YamlToJson for the rest);
// - it is not a valid document: the first problem as "<pointer>: <message>" (the root pointer
//   shown as "/"), e.g. `/do/2/fetch/call: unknown call type "smtp"`, followed by the other
//   problems, one per line in the same form;
// - it is valid but larger than kMaxPayloadsBytes (2 MiB) as JSON, the form it is
//   sent to Temporal in: "the workflow document is 2.5 MiB as JSON; the most Temporal accepts
//   in one payload is 2 MiB: split it into smaller workflows".
// Thread-safe.
absl::StatusOr<WorkflowDocument> ParseWorkflowDocument(absl::string_view text);

// The checks alone, on a document already parsed; empty when it is valid. Checks, in document
// order: only known top-level properties (`schedule.after`, `schedule.on` and `evaluate.mode:
// loose` are refused as not supported yet; so are `use.extensions` and `use.catalogs`);
// document.dsl 1.0.0 to 1.0.3, document.namespace and document.name DNS labels, document.version a
// semantic version; `input`, `output`, `timeout`, `use` (errors, retries, timeouts, secrets); `do`
// a non-empty task list (see ValidateTaskList); every runtime expression compiles with libjq with
// the variables in scope where it stands (see CompileJqExpression). At most
// ValidationContext::kMaxProblems.
std::vector<ValidationProblem> ValidateWorkflowJson(const nlohmann::ordered_json& document);

// "<pointer>: <message>", the root pointer shown as "/".
std::string FormatValidationProblem(const ValidationProblem& problem);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_WORKFLOW_DOCUMENT_H_

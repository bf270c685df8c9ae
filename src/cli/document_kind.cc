#include "cli/document_kind.h"

#include "workflow/yaml_to_json.h"

namespace stigmer::cli {

DocumentKind KindOfDocument(absl::string_view text) {
  absl::StatusOr<nlohmann::ordered_json> json = workflow::YamlToJson(text);
  if (json.ok() && json->is_object() && json->contains("kind") && !json->contains("document")) {
    return DocumentKind::kAgent;
  }
  return DocumentKind::kWorkflow;
}

absl::string_view DocumentKindName(DocumentKind kind) {
  return kind == DocumentKind::kAgent ? "agent" : "workflow";
}

}  // namespace stigmer::cli

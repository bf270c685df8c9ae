#ifndef STIGMER_CLI_DOCUMENT_KIND_H_
#define STIGMER_CLI_DOCUMENT_KIND_H_

#include "absl/strings/string_view.h"

namespace stigmer::cli {

// What a document given to `stigmer apply` is, and so which service validates and stores it.
enum class DocumentKind { kWorkflow, kAgent };

// kAgent for a mapping that has a `kind` and no `document` (an agent's shape: `kind: Agent`; any
// other kind is then reported by the agent's validation, naming /kind). kWorkflow for everything
// else, text that is not YAML included, so that the workflow's validation reports it as before.
// Pure; parses with the same bounds as the server (workflow/yaml_to_json.h).
DocumentKind KindOfDocument(absl::string_view text);

// "workflow" or "agent": what the CLI calls each kind in its output ("agent/reviewer").
absl::string_view DocumentKindName(DocumentKind kind);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_DOCUMENT_KIND_H_

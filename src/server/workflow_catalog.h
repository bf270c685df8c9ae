#ifndef STIGMER_SERVER_WORKFLOW_CATALOG_H_
#define STIGMER_SERVER_WORKFLOW_CATALOG_H_

#include <string>

#include "absl/status/statusor.h"
#include "server/store/store.h"

namespace stigmer::server {

// Validates a Serverless Workflow document and applies it to the store: a new workflow, a new
// version, or nothing when the document is unchanged. InvalidArgument names the problem's JSON
// pointer; nothing is stored then. `source_dir` (the absolute folder of the applied file, "" for
// none) is stored when the document names files by relative paths (dsl_file_references.h);
// such a document with no `source_dir` is refused (InvalidArgument naming them).
absl::StatusOr<store::ApplyResult> ApplyWorkflowDocument(store::Store& store,
                                                         const std::string& definition,
                                                         bool dry_run,
                                                         const std::string& source_dir = "");

// SHA-256 of `text`, lower-case hex.
std::string Sha256Hex(const std::string& text);

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_WORKFLOW_CATALOG_H_

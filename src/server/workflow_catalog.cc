#include "server/workflow_catalog.h"

#include <openssl/evp.h>

#include <filesystem>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "workflow/dsl_file_references.h"
#include "workflow/workflow_document.h"

namespace stigmer::server {

std::string Sha256Hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), length));
}

absl::StatusOr<store::ApplyResult> ApplyWorkflowDocument(store::Store& store,
                                                         const std::string& definition,
                                                         bool dry_run,
                                                         const std::string& source_dir) {
  absl::StatusOr<workflow::WorkflowDocument> document = workflow::ParseWorkflowDocument(definition);
  if (!document.ok()) return document.status();
  const std::vector<std::string> relative = workflow::RelativeFileReferences(document->json);
  if (!relative.empty() && source_dir.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the workflow names files by relative paths (", absl::StrJoin(relative, ", "),
        "), which are read from the folder of the applied file; this one has no folder (stdin): "
        "apply it with `stigmer apply -f FILE`, or give absolute paths (file:///…)"));
  }
  if (!relative.empty() && !std::filesystem::path(source_dir).is_absolute()) {
    return absl::InvalidArgumentError(
        absl::StrCat("source_dir \"", source_dir, "\" must be an absolute path"));
  }
  stigmer::v1::Workflow draft;
  draft.set_name(document->name);
  draft.set_namespace_(document->namespace_);
  draft.set_document_version(document->version);
  draft.set_dsl(document->dsl);
  draft.set_definition(definition);
  draft.set_digest(Sha256Hex(definition));
  if (!relative.empty()) draft.set_source_dir(source_dir);
  return store.ApplyWorkflow(draft, absl::Now(), dry_run);
}

}  // namespace stigmer::server

#include "server/workflow_catalog.h"

#include <openssl/evp.h>

#include "absl/strings/escaping.h"
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
                                                         bool dry_run) {
  absl::StatusOr<workflow::WorkflowDocument> document = workflow::ParseWorkflowDocument(definition);
  if (!document.ok()) return document.status();
  stigmer::v1::Workflow draft;
  draft.set_name(document->name);
  draft.set_namespace_(document->namespace_);
  draft.set_document_version(document->version);
  draft.set_dsl(document->dsl);
  draft.set_definition(definition);
  draft.set_digest(Sha256Hex(definition));
  return store.ApplyWorkflow(draft, absl::Now(), dry_run);
}

}  // namespace stigmer::server

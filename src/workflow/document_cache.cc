#include "workflow/document_cache.h"

#include <utility>

namespace stigmer::workflow {

absl::StatusOr<std::shared_ptr<const WorkflowDocument>> DocumentCache::Get(
    const std::string& text) {
  {
    absl::MutexLock lock(&mutex_);
    if (auto it = documents_.find(text); it != documents_.end()) return it->second;
  }
  absl::StatusOr<WorkflowDocument> parsed = ParseWorkflowDocument(text);
  if (!parsed.ok()) return parsed.status();
  auto document = std::make_shared<const WorkflowDocument>(*std::move(parsed));
  absl::MutexLock lock(&mutex_);
  if (documents_.size() >= capacity_) documents_.clear();
  documents_.emplace(text, document);
  return document;
}

}  // namespace stigmer::workflow

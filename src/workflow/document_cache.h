#ifndef STIGMER_WORKFLOW_DOCUMENT_CACHE_H_
#define STIGMER_WORKFLOW_DOCUMENT_CACHE_H_

#include <cstddef>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "workflow/workflow_document.h"

namespace stigmer::workflow {

// Parsed workflow documents by their text (JSON or YAML), so that neither replaying a workflow
// nor starting one parses and validates its document each time. Thread-safe; holds at most
// `capacity` documents.
class DocumentCache {
 public:
  explicit DocumentCache(size_t capacity = 64) : capacity_(capacity) {}
  absl::StatusOr<std::shared_ptr<const WorkflowDocument>> Get(const std::string& text);

 private:
  const size_t capacity_;
  absl::Mutex mutex_;
  std::map<std::string, std::shared_ptr<const WorkflowDocument>> documents_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_DOCUMENT_CACHE_H_

// libFuzzer target for the DSL parser and validator: any bytes go in; ParseWorkflowDocument must
// answer (a document or InvalidArgument) without crashing, leaking or hanging. A document it
// accepts must serialize to JSON and parse again, to the same document.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "workflow/workflow_document.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<stigmer::workflow::WorkflowDocument> document =
      stigmer::workflow::ParseWorkflowDocument(text);
  if (!document.ok()) {
    if (document.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
    return 0;
  }
  std::string json = document->json.dump();
  absl::StatusOr<stigmer::workflow::WorkflowDocument> again =
      stigmer::workflow::ParseWorkflowDocument(json);
  if (!again.ok() || again->json != document->json || again->name != document->name) std::abort();
  return 0;
}

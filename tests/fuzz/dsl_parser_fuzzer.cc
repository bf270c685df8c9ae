// libFuzzer target for the DSL parser and validator: any bytes go in; ParseWorkflowDocument must
// answer (a document or InvalidArgument) without crashing, leaking or hanging. A document it
// accepts must serialize to JSON that reads back to the same, valid document.

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
  // What workflow-runner receives is this JSON: it must read back to the same, valid document.
  // (Not through YAML again: YAML limits keys to 1024 characters, and JSON's escapes can
  // lengthen a key past that.)
  const nlohmann::ordered_json again = nlohmann::ordered_json::parse(document->json.dump());
  if (again != document->json || !stigmer::workflow::ValidateWorkflowJson(again).empty()) {
    std::abort();
  }
  return 0;
}

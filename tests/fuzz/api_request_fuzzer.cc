// Fuzzes request handling: bytes as a serialized ApplyWorkflowRequest, handled as
// WorkflowService.Apply handles it, against an in-memory store. Every request must be either
// stored or refused with InvalidArgument; nothing may crash or leak.
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "server/store/store.h"
#include "server/workflow_catalog.h"
#include "stigmer/v1/workflow.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<stigmer::store::Store> store = [] {
    auto opened = stigmer::store::Store::Open(":memory:");
    if (!opened.ok()) std::abort();
    return std::move(*opened);
  }();
  stigmer::v1::ApplyWorkflowRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  absl::StatusOr<stigmer::store::ApplyResult> result =
      stigmer::server::ApplyWorkflowDocument(*store, request.definition(), request.dry_run());
  if (!result.ok() && !absl::IsInvalidArgument(result.status())) std::abort();
  return 0;
}

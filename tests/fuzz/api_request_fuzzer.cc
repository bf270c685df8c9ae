// Fuzzes request handling: bytes as a serialized apply request, handled as WorkflowService.Apply
// and AgentService.Apply handle it (ApplyWorkflowRequest and ApplyAgentRequest share their
// fields), against an in-memory store. Every request must be either stored or refused with
// InvalidArgument (not a valid document) or AlreadyExists (the name is the other kind's);
// nothing may crash or leak.
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "server/agent_catalog.h"
#include "server/store/store.h"
#include "server/workflow_catalog.h"
#include "stigmer/v1/agent.pb.h"

namespace {

void Check(const absl::Status& status) {
  if (!status.ok() && !absl::IsInvalidArgument(status) && !absl::IsAlreadyExists(status)) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<stigmer::store::Store> store = [] {
    auto opened = stigmer::store::Store::Open(":memory:");
    if (!opened.ok()) std::abort();
    return std::move(*opened);
  }();
  stigmer::v1::ApplyAgentRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  Check(stigmer::server::ApplyWorkflowDocument(*store, request.definition(), request.dry_run())
            .status());
  Check(stigmer::server::ApplyAgentDocument(*store, request.definition(), request.dry_run())
            .status());
  return 0;
}

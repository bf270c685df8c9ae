#include "server/workflow_service.h"

#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "server/workflow_catalog.h"

namespace stigmer::server {

grpc::Status WorkflowService::Apply(grpc::ServerContext*,
                                    const stigmer::v1::ApplyWorkflowRequest* request,
                                    stigmer::v1::ApplyWorkflowResponse* response) {
  const bool scheduling =
      !request->dry_run() && WorkflowSchedules::MayHaveSchedule(request->definition());
  if (scheduling) {
    // A document that fails validation says so first; a valid one is stored only when its
    // schedule can be set.
    absl::StatusOr<store::ApplyResult> checked = ApplyWorkflowDocument(
        *store_, request->definition(), /*dry_run=*/true, request->source_dir());
    if (!checked.ok()) return ToGrpcStatus(checked.status());
    if (absl::Status up = schedules_->CheckReachable(); !up.ok()) return ToGrpcStatus(up);
  }
  absl::StatusOr<store::ApplyResult> result = ApplyWorkflowDocument(
      *store_, request->definition(), request->dry_run(), request->source_dir());
  if (!result.ok()) return ToGrpcStatus(result.status());
  const std::string name = result->workflow.name();
  if (absl::Status synced = request->dry_run() ? absl::OkStatus() : schedules_->Sync(name);
      !synced.ok()) {
    return ToGrpcStatus(absl::Status(
        synced.code(), absl::StrCat("workflow \"", name, "\" version ", result->workflow.version(),
                                    " is stored, but its schedule could not be set in Temporal: ",
                                    synced.message(), "; apply it again")));
  }
  *response->mutable_workflow() = std::move(result->workflow);
  response->set_outcome(result->outcome);
  return grpc::Status::OK;
}

grpc::Status WorkflowService::Get(grpc::ServerContext*,
                                  const stigmer::v1::GetWorkflowRequest* request,
                                  stigmer::v1::Workflow* response) {
  absl::StatusOr<stigmer::v1::Workflow> workflow =
      store_->GetWorkflow(request->name(), request->version());
  if (!workflow.ok()) return ToGrpcStatus(workflow.status());
  *response = *std::move(workflow);
  return grpc::Status::OK;
}

grpc::Status WorkflowService::List(grpc::ServerContext*,
                                   const stigmer::v1::ListWorkflowsRequest* request,
                                   stigmer::v1::ListWorkflowsResponse* response) {
  absl::StatusOr<store::WorkflowPage> page =
      store_->ListWorkflows(request->page_size(), request->page_token());
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (auto& workflow : page->workflows) *response->add_workflows() = std::move(workflow);
  response->set_next_page_token(page->next_page_token);
  return grpc::Status::OK;
}

grpc::Status WorkflowService::Delete(grpc::ServerContext*,
                                     const stigmer::v1::DeleteWorkflowRequest* request,
                                     stigmer::v1::DeleteWorkflowResponse* response) {
  absl::StatusOr<stigmer::v1::Workflow> workflow = store_->GetWorkflow(request->name(), 0);
  if (!workflow.ok()) return ToGrpcStatus(workflow.status());
  const bool scheduled = schedules_->Tracks(workflow->name());
  if (scheduled) {
    if (absl::Status up = schedules_->CheckReachable(); !up.ok()) return ToGrpcStatus(up);
  }
  absl::StatusOr<int> deleted = store_->DeleteWorkflow(request->name(), request->force());
  if (!deleted.ok()) return ToGrpcStatus(deleted.status());
  // Gone from the store: Sync deletes the schedule (or the next scheduled-run pass retries).
  if (absl::Status synced = schedules_->Sync(workflow->name()); !synced.ok()) {
    return ToGrpcStatus(absl::Status(
        synced.code(), absl::StrCat("workflow \"", workflow->name(),
                                    "\" is deleted, but its schedule could not be deleted from "
                                    "Temporal yet (",
                                    synced.message(), "); stigmer-server retries every second")));
  }
  response->set_versions_deleted(*deleted);
  return grpc::Status::OK;
}

grpc::Status WorkflowService::ListSchedules(grpc::ServerContext*,
                                            const stigmer::v1::ListSchedulesRequest*,
                                            stigmer::v1::ListSchedulesResponse* response) {
  absl::StatusOr<std::vector<stigmer::v1::Schedule>> schedules = schedules_->List();
  if (!schedules.ok()) return ToGrpcStatus(schedules.status());
  for (auto& schedule : *schedules) *response->add_schedules() = std::move(schedule);
  return grpc::Status::OK;
}

}  // namespace stigmer::server

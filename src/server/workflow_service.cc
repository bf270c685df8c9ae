#include "server/workflow_service.h"

#include "common/grpc_status.h"
#include "server/workflow_catalog.h"

namespace stigmer::server {

grpc::Status WorkflowService::Apply(grpc::ServerContext*,
                                    const stigmer::v1::ApplyWorkflowRequest* request,
                                    stigmer::v1::ApplyWorkflowResponse* response) {
  absl::StatusOr<store::ApplyResult> result =
      ApplyWorkflowDocument(*store_, request->definition(), request->dry_run());
  if (!result.ok()) return ToGrpcStatus(result.status());
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
  absl::StatusOr<int> deleted = store_->DeleteWorkflow(request->name(), request->force());
  if (!deleted.ok()) return ToGrpcStatus(deleted.status());
  response->set_versions_deleted(*deleted);
  return grpc::Status::OK;
}

}  // namespace stigmer::server

#ifndef STIGMER_SERVER_WORKFLOW_SERVICE_H_
#define STIGMER_SERVER_WORKFLOW_SERVICE_H_

#include "server/store/store.h"
#include "server/workflow_schedules.h"
#include "stigmer/v1/workflow.grpc.pb.h"

namespace stigmer::server {

// stigmer.v1.WorkflowService: translates requests and statuses; the work is in
// workflow_catalog.h, the store and workflow_schedules.h (Apply and Delete create, update and
// delete a workflow's Temporal Schedule; with one at stake they first check that Temporal answers,
// and store nothing when it does not).
class WorkflowService final : public stigmer::v1::WorkflowService::Service {
 public:
  // REQUIRES: both outlive this object.
  WorkflowService(store::Store* store, WorkflowSchedules* schedules)
      : store_(store), schedules_(schedules) {}

  grpc::Status Apply(grpc::ServerContext* context, const stigmer::v1::ApplyWorkflowRequest* request,
                     stigmer::v1::ApplyWorkflowResponse* response) override;
  grpc::Status Get(grpc::ServerContext* context, const stigmer::v1::GetWorkflowRequest* request,
                   stigmer::v1::Workflow* response) override;
  grpc::Status List(grpc::ServerContext* context, const stigmer::v1::ListWorkflowsRequest* request,
                    stigmer::v1::ListWorkflowsResponse* response) override;
  grpc::Status Delete(grpc::ServerContext* context,
                      const stigmer::v1::DeleteWorkflowRequest* request,
                      stigmer::v1::DeleteWorkflowResponse* response) override;
  grpc::Status ListSchedules(grpc::ServerContext* context,
                             const stigmer::v1::ListSchedulesRequest* request,
                             stigmer::v1::ListSchedulesResponse* response) override;

 private:
  store::Store* store_;
  WorkflowSchedules* schedules_;
};

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_WORKFLOW_SERVICE_H_

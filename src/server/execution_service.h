#ifndef STIGMER_SERVER_EXECUTION_SERVICE_H_
#define STIGMER_SERVER_EXECUTION_SERVICE_H_

#include "server/execution_manager.h"
#include "server/store/store.h"
#include "stigmer/v1/execution.grpc.pb.h"

namespace stigmer::server {

// stigmer.v1.ExecutionService: translates requests and statuses; the work is in
// ExecutionManager and the store.
class ExecutionService final : public stigmer::v1::ExecutionService::Service {
 public:
  ExecutionService(store::Store* store, ExecutionManager* manager)
      : store_(store), manager_(manager) {}

  grpc::Status Create(grpc::ServerContext* context,
                      const stigmer::v1::CreateExecutionRequest* request,
                      stigmer::v1::Execution* response) override;
  grpc::Status Get(grpc::ServerContext* context, const stigmer::v1::GetExecutionRequest* request,
                   stigmer::v1::Execution* response) override;
  grpc::Status List(grpc::ServerContext* context, const stigmer::v1::ListExecutionsRequest* request,
                    stigmer::v1::ListExecutionsResponse* response) override;
  grpc::Status Watch(grpc::ServerContext* context,
                     const stigmer::v1::WatchExecutionRequest* request,
                     grpc::ServerWriter<stigmer::v1::Execution>* writer) override;
  grpc::Status Approve(grpc::ServerContext* context, const stigmer::v1::ApproveRequest* request,
                       stigmer::v1::Execution* response) override;
  grpc::Status Cancel(grpc::ServerContext* context,
                      const stigmer::v1::CancelExecutionRequest* request,
                      stigmer::v1::Execution* response) override;
  grpc::Status ListSessions(grpc::ServerContext* context,
                            const stigmer::v1::ListSessionsRequest* request,
                            stigmer::v1::ListSessionsResponse* response) override;

 private:
  store::Store* store_;
  ExecutionManager* manager_;
};

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_EXECUTION_SERVICE_H_

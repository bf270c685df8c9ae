#ifndef STIGMER_SERVER_PROGRESS_SERVICE_H_
#define STIGMER_SERVER_PROGRESS_SERVICE_H_

#include "server/execution_manager.h"
#include "stigmer/v1/progress.grpc.pb.h"

namespace stigmer::server {

// stigmer.v1.ProgressService: the workers' reports, handed to ExecutionManager::OnProgress.
class ProgressService final : public stigmer::v1::ProgressService::Service {
 public:
  static constexpr int kMaxRunsPerReport = 1000;

  // REQUIRES: `executions` outlives this object.
  explicit ProgressService(ExecutionManager* executions) : executions_(executions) {}

  grpc::Status Report(grpc::ServerContext* context,
                      const stigmer::v1::ReportProgressRequest* request,
                      stigmer::v1::ReportProgressResponse* response) override;

 private:
  ExecutionManager* executions_;
};

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_PROGRESS_SERVICE_H_

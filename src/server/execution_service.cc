#include "server/execution_service.h"

#include "common/grpc_status.h"
#include "server/execution_phase.h"

namespace stigmer::server {

grpc::Status ExecutionService::Create(grpc::ServerContext*,
                                      const stigmer::v1::CreateExecutionRequest* request,
                                      stigmer::v1::Execution* response) {
  absl::StatusOr<stigmer::v1::Execution> execution = manager_->Create(*request);
  if (!execution.ok()) return ToGrpcStatus(execution.status());
  *response = *std::move(execution);
  return grpc::Status::OK;
}

grpc::Status ExecutionService::Get(grpc::ServerContext*,
                                   const stigmer::v1::GetExecutionRequest* request,
                                   stigmer::v1::Execution* response) {
  absl::StatusOr<stigmer::v1::Execution> execution = store_->GetExecution(request->id());
  if (!execution.ok()) return ToGrpcStatus(execution.status());
  *response = *std::move(execution);
  return grpc::Status::OK;
}

grpc::Status ExecutionService::List(grpc::ServerContext*,
                                    const stigmer::v1::ListExecutionsRequest* request,
                                    stigmer::v1::ListExecutionsResponse* response) {
  store::ExecutionFilter filter;
  filter.workflow = request->workflow();
  filter.phase = request->phase();
  filter.page_size = request->page_size();
  filter.page_token = request->page_token();
  filter.session = request->session();
  absl::StatusOr<store::ExecutionPage> page = store_->ListExecutions(filter);
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (auto& execution : page->executions) *response->add_executions() = std::move(execution);
  response->set_next_page_token(page->next_page_token);
  return grpc::Status::OK;
}

grpc::Status ExecutionService::Watch(grpc::ServerContext* context,
                                     const stigmer::v1::WatchExecutionRequest* request,
                                     grpc::ServerWriter<stigmer::v1::Execution>* writer) {
  absl::StatusOr<std::unique_ptr<ExecutionWatchHub::Watch>> watch = manager_->Watch(request->id());
  if (!watch.ok()) return ToGrpcStatus(watch.status());
  std::string last_sent;
  while (!context->IsCancelled()) {
    // Bounded waits, so a caller that went away is noticed even when nothing changes.
    std::optional<stigmer::v1::Execution> execution = (*watch)->Next(absl::Seconds(1));
    if (!execution) {
      if ((*watch)->closed())
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is stopping");
      continue;
    }
    std::string bytes = execution->SerializeAsString();
    if (bytes != last_sent) {
      if (!writer->Write(*execution)) break;
      last_sent = std::move(bytes);
    }
    if (IsTerminalPhase(execution->phase())) break;
  }
  return grpc::Status::OK;
}

grpc::Status ExecutionService::Approve(grpc::ServerContext*,
                                       const stigmer::v1::ApproveRequest* request,
                                       stigmer::v1::Execution* response) {
  absl::StatusOr<stigmer::v1::Execution> execution = manager_->Approve(*request);
  if (!execution.ok()) return ToGrpcStatus(execution.status());
  *response = *std::move(execution);
  return grpc::Status::OK;
}

grpc::Status ExecutionService::Cancel(grpc::ServerContext*,
                                      const stigmer::v1::CancelExecutionRequest* request,
                                      stigmer::v1::Execution* response) {
  absl::StatusOr<stigmer::v1::Execution> execution = manager_->Cancel(request->id());
  if (!execution.ok()) return ToGrpcStatus(execution.status());
  *response = *std::move(execution);
  return grpc::Status::OK;
}

grpc::Status ExecutionService::ListSessions(grpc::ServerContext*,
                                            const stigmer::v1::ListSessionsRequest* request,
                                            stigmer::v1::ListSessionsResponse* response) {
  absl::StatusOr<std::vector<stigmer::v1::Session>> sessions =
      store_->ListSessions(request->agent(), request->page_size());
  if (!sessions.ok()) return ToGrpcStatus(sessions.status());
  for (auto& session : *sessions) *response->add_sessions() = std::move(session);
  return grpc::Status::OK;
}

}  // namespace stigmer::server

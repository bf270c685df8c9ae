#include "daemon/control_service.h"

#include "common/grpc_status.h"

namespace stigmer::daemon {

grpc::Status ControlService::GetStatus(grpc::ServerContext*,
                                       const stigmer::daemon::v1::GetStatusRequest*,
                                       stigmer::daemon::v1::GetStatusResponse* response) {
  *response = state_->Snapshot();
  return grpc::Status::OK;
}

grpc::Status ControlService::WatchEvents(grpc::ServerContext* context,
                                         const stigmer::daemon::v1::WatchEventsRequest*,
                                         grpc::ServerWriter<stigmer::daemon::v1::Event>* writer) {
  std::unique_ptr<DaemonState::Subscription> subscription = state_->Subscribe();
  while (!context->IsCancelled()) {
    // A bounded wait, so a watcher that went away is noticed even when nothing happens.
    std::optional<stigmer::daemon::v1::Event> event = subscription->Next(absl::Seconds(1));
    if (event) {
      if (!writer->Write(*event)) break;
      continue;
    }
    if (subscription->closed()) break;
  }
  return grpc::Status::OK;
}

grpc::Status ControlService::Restart(grpc::ServerContext*,
                                     const stigmer::daemon::v1::RestartRequest* request,
                                     stigmer::daemon::v1::RestartResponse*) {
  return ToGrpcStatus(actions_.restart(request->component()));
}

grpc::Status ControlService::Stop(grpc::ServerContext*, const stigmer::daemon::v1::StopRequest*,
                                  stigmer::daemon::v1::StopResponse*) {
  actions_.stop();
  return grpc::Status::OK;
}

}  // namespace stigmer::daemon

#ifndef STIGMER_DAEMON_CONTROL_SERVICE_H_
#define STIGMER_DAEMON_CONTROL_SERVICE_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "daemon/daemon_state.h"
#include "stigmer/daemon/v1/control.grpc.pb.h"

namespace stigmer::daemon {

// The control API: translates requests into reads of DaemonState and calls to the supervisor.
class ControlService final : public stigmer::daemon::v1::ControlService::Service {
 public:
  struct Actions {
    // Restart one component by name, or all of them for "". NotFound for an unknown name; the
    // error, if any, is the caller's answer.
    std::function<absl::Status(const std::string& component)> restart;
    std::function<void()> stop;
  };

  ControlService(DaemonState* state, Actions actions)
      : state_(state), actions_(std::move(actions)) {}

  grpc::Status GetStatus(grpc::ServerContext* context,
                         const stigmer::daemon::v1::GetStatusRequest* request,
                         stigmer::daemon::v1::GetStatusResponse* response) override;
  grpc::Status WatchEvents(grpc::ServerContext* context,
                           const stigmer::daemon::v1::WatchEventsRequest* request,
                           grpc::ServerWriter<stigmer::daemon::v1::Event>* writer) override;
  grpc::Status Restart(grpc::ServerContext* context,
                       const stigmer::daemon::v1::RestartRequest* request,
                       stigmer::daemon::v1::RestartResponse* response) override;
  grpc::Status Stop(grpc::ServerContext* context, const stigmer::daemon::v1::StopRequest* request,
                    stigmer::daemon::v1::StopResponse* response) override;

 private:
  DaemonState* state_;
  Actions actions_;
};

}  // namespace stigmer::daemon

#endif  // STIGMER_DAEMON_CONTROL_SERVICE_H_

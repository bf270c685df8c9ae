#ifndef STIGMER_DAEMON_CONTROL_CLIENT_H_
#define STIGMER_DAEMON_CONTROL_CLIENT_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "config/paths.h"
#include "stigmer/daemon/v1/control.grpc.pb.h"

namespace stigmer::daemon {

// OK unless this account may not use STIGMER_HOME's control socket because the home belongs to
// another account: then PermissionDenied, "permission denied: STIGMER_HOME <home> belongs to
// another user (uid N); ...". A home without a daemon is OK here.
absl::Status CheckHomeAccess(const config::Paths& paths);

// The CLI's side of the control API on $STIGMER_HOME/data/supervisor.sock.
class ControlClient {
 public:
  // Unavailable when no daemon answers on the socket; CheckHomeAccess's PermissionDenied when
  // the home belongs to another account.
  static absl::StatusOr<ControlClient> Connect(const config::Paths& paths,
                                               absl::Duration timeout = absl::Seconds(2));

  absl::StatusOr<stigmer::daemon::v1::GetStatusResponse> GetStatus();
  // NotFound for an unknown component.
  absl::Status Restart(const std::string& component);
  absl::Status Stop();

  // Calls `on_event` for every event until it returns false, the daemon closes the stream
  // (it exited: OK), or `deadline` passes (DeadlineExceeded).
  absl::Status Watch(const std::function<bool(const stigmer::daemon::v1::Event&)>& on_event,
                     absl::Time deadline = absl::InfiniteFuture());

 private:
  explicit ControlClient(std::unique_ptr<stigmer::daemon::v1::ControlService::Stub> stub)
      : stub_(std::move(stub)) {}
  std::unique_ptr<stigmer::daemon::v1::ControlService::Stub> stub_;
};

}  // namespace stigmer::daemon

#endif  // STIGMER_DAEMON_CONTROL_CLIENT_H_

#include "daemon/component_status_proto.h"

namespace stigmer::daemon {
namespace {

int64_t UnixMillis(const std::optional<absl::Time>& time) {
  return time ? absl::ToUnixMillis(*time) : 0;
}

}  // namespace

stigmer::daemon::v1::ComponentStatus ToProto(const supervisor::ComponentStatus& status,
                                             const std::string& endpoint) {
  stigmer::daemon::v1::ComponentStatus proto;
  proto.set_name(status.name);
  proto.set_state(std::string(supervisor::ToString(status.state)));
  proto.set_pid(status.pid);
  if (status.pid != 0) proto.set_started_at_unix_ms(UnixMillis(status.started_at));
  if (status.state == supervisor::ComponentState::kReady ||
      status.state == supervisor::ComponentState::kExternal) {
    proto.set_ready_at_unix_ms(UnixMillis(status.ready_at));
  }
  proto.set_restarts(status.restarts);
  proto.set_endpoint(endpoint);
  proto.set_last_exit(status.last_exit);
  proto.set_fatal_reason(status.fatal_reason);
  proto.set_log_lines_dropped(status.log_lines_dropped);
  proto.set_log_error(status.log_error);
  return proto;
}

}  // namespace stigmer::daemon

#ifndef STIGMER_CLI_STATUS_VIEW_H_
#define STIGMER_CLI_STATUS_VIEW_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "config/paths.h"
#include "nlohmann/json.hpp"
#include "stigmer/daemon/v1/control.pb.h"

namespace stigmer::cli {

// What `stigmer server status` shows, from the live daemon or, when it is down, from
// state.json and the PID files.
struct StatusView {
  bool daemon_running = false;
  int daemon_pid = 0;
  std::string home;
  std::string phase;
  std::vector<stigmer::daemon::v1::ComponentStatus> components;
  nlohmann::json capabilities;  // null, or what activities/process_capabilities.h reports
};

StatusView FromDaemon(const stigmer::daemon::v1::GetStatusResponse& response);

// The last state a daemon saved, with every component whose recorded process is gone (or is
// not ours any more) shown as stopped. Components never recorded are listed as stopped.
StatusView FromSavedState(const config::Paths& paths);

// Exit code: 0 when every component is ready (or external), 1 when degraded, 3 when the daemon
// is not running.
int StatusExitCode(const StatusView& view);

// The table NAME STATE PID UPTIME RESTARTS ENDPOINT LAST EXIT, one row per component.
std::string RenderStatusTable(const StatusView& view, absl::Time now, bool color);

// {"daemon": {"running", "pid", "home"}, "components": [{"name", "state", "pid", "uptime_s",
// "restarts", "endpoint", "last_exit"}], "capabilities"?: the view's capabilities unless null}
std::string RenderStatusJson(const StatusView& view, absl::Time now);

// What `status --watch` shows as the daemon's events arrive: the view it started from, with each
// component's latest status folded in.
class StatusWatch {
 public:
  explicit StatusWatch(StatusView initial);

  // Folds in one component's status. True when it changed what is shown (print the view again);
  // false when it repeats the status already shown (the daemon re-sends states), so that an
  // unchanged table is not printed twice.
  bool Update(const stigmer::daemon::v1::ComponentStatus& component);

  const StatusView& view() const { return view_; }

 private:
  StatusView view_;
};

// "1h02m", "3m20s", "12s"; "-" for none.
std::string FormatUptime(absl::Duration uptime);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_STATUS_VIEW_H_

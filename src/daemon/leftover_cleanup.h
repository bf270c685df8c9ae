#ifndef STIGMER_DAEMON_LEFTOVER_CLEANUP_H_
#define STIGMER_DAEMON_LEFTOVER_CLEANUP_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "config/paths.h"
#include "stigmer/daemon/v1/state.pb.h"

namespace stigmer::daemon {

// Before a new daemon starts its components, it deals with the PID files a previous daemon left
// (one killed with SIGKILL, say):
// - a PID file whose process is gone is removed;
// - a live process that state.json recorded as ours (same pid, start time and executable) is
//   stopped: SIGTERM to its process group, SIGKILL after `grace`;
// - a live process that is not ours (the PID was reused) is never signalled; its PID file is
//   removed.
// Returns one line per action taken, for the supervisor's log.
std::vector<std::string> CleanUpLeftovers(
    const config::Paths& paths, const std::vector<std::string>& components,
    const std::optional<stigmer::daemon::v1::SavedState>& saved, absl::Duration grace);

}  // namespace stigmer::daemon

#endif  // STIGMER_DAEMON_LEFTOVER_CLEANUP_H_

#ifndef STIGMER_CLI_DAEMON_LAUNCHER_H_
#define STIGMER_CLI_DAEMON_LAUNCHER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "config/paths.h"

namespace stigmer::cli {

// What the launched daemon said about its start (see DaemonOptions::launcher_fd).
struct LaunchResult {
  enum class Outcome { kListening, kAlreadyRunning };
  Outcome outcome;
  int pid = 0;  // the daemon that serves this home
};

// Starts `stigmer internal supervisor` detached from the terminal (a new session, stdin from
// /dev/null, stdout and stderr appended to data/logs/supervisor.log) and waits, at most
// `timeout`, until its control socket listens. Errors carry the daemon's own message
// ("config.yaml:3: ..."), or say it exited and point at supervisor.log.
absl::StatusOr<LaunchResult> LaunchDaemon(const config::Paths& paths, absl::Duration timeout);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_DAEMON_LAUNCHER_H_

#ifndef STIGMER_DAEMON_SUPERVISOR_DAEMON_H_
#define STIGMER_DAEMON_SUPERVISOR_DAEMON_H_

namespace stigmer::daemon {

struct DaemonOptions {
  // Runs in the terminal: logs to stderr, Ctrl-C or SIGTERM stops everything in order.
  bool foreground = false;
  // A pipe to the `stigmer server` that spawned this daemon, or -1. The daemon writes one line
  // and closes it: "LISTENING" once the control socket accepts calls, "RUNNING <pid>" when
  // another daemon already serves this STIGMER_HOME, or "ERROR <message>" when it cannot start.
  int launcher_fd = -1;
};

// The supervisor daemon (`stigmer internal supervisor`): sets the umask to 077 for itself and
// its children (nothing it or they create is readable by other accounts), takes the
// STIGMER_HOME lock, takes group and other permissions away from what is already in the home,
// cleans
// up after a previous daemon, serves the control API on data/supervisor.sock, starts the four
// components in order and supervises them until stopped. Returns the exit code: 0 after a
// stop (or when another daemon already runs), 1 when the start failed, 2 for a bad
// configuration.
// REQUIRES: called from main() before any other thread exists (signals are blocked here).
int RunSupervisorDaemon(const DaemonOptions& options);

}  // namespace stigmer::daemon

#endif  // STIGMER_DAEMON_SUPERVISOR_DAEMON_H_

#ifndef STIGMER_CLI_LOGS_COMMAND_H_
#define STIGMER_CLI_LOGS_COMMAND_H_

#include <atomic>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "config/paths.h"

namespace stigmer::cli {

// `stigmer server logs`: prints a component's log files. Reads the files under
// Paths::LogDir() directly, so it works whether or not the daemon runs.
struct LogsOptions {
  // One of KnownLogComponents().
  std::string component = "stigmer-server";
  // -f: after the last lines, print lines as they are appended, across rotation and restarts,
  // until `stop_requested`. --since does not filter followed lines.
  bool follow = false;
  // -n: print at most this many of the last lines (0: none; negative: all). Counts lines, not
  // records, across the current file and the rotated ones.
  int lines = 50;
  // --since: only records (a timestamped line and the untimestamped lines after it) whose
  // timestamp is >= since; -n still caps the count, as with `docker logs --since --tail`. Lines
  // before a file's first timestamp have no known time and are left out. See ParseSince.
  std::optional<absl::Time> since;
  // --stderr: the component's stderr file instead of its stdout file. temporal and supervisor
  // write both to one file, which is then used either way.
  bool stderr_stream = false;
  // --all: every component's files (stdout and stderr), merged by timestamp (stable: equal
  // times keep component order, stdout before stderr), each line prefixed "[component] ".
  // -n and --since apply to the merged result. With -f, new lines are printed as they come.
  // Ignores `component` and `stderr_stream`.
  bool all = false;
  // Color the "[component] " prefixes (one fixed ANSI color per component). Only with --all.
  bool color = false;
};

// The components that have logs, in a fixed order: stigmer-server, workflow-runner,
// agent-runner, temporal, supervisor.
std::vector<std::string> KnownLogComponents();

// Runs `stigmer server logs`, writing log lines to `out` and messages to `err`. Returns the exit
// code:
//   0  lines printed (possibly none); also when there is no log file yet: without -f a one-line
//      note goes to `err` ("no logs yet for C at PATH; start the server with `stigmer server`");
//      with -f the note says it waits, and lines are printed once the file appears.
//   1  a log file could not be read (the reason goes to `err`).
//   2  unknown component (`err` lists the valid ones).
// With -f, returns once `stop_requested` is true (seen within about 100 ms) or `out` fails
// (e.g. a closed pipe); `out` is flushed after each batch of lines. Only the calling thread writes
// to `out` and `err`.
int RunLogs(const config::Paths& paths, const LogsOptions& options, std::ostream& out,
            std::ostream& err, const std::atomic<bool>& stop_requested);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_LOGS_COMMAND_H_

#ifndef STIGMER_CLI_LOG_TAIL_H_
#define STIGMER_CLI_LOG_TAIL_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace stigmer::cli {

// One log record: a line that starts with a timestamp (common/timestamp.h) and the lines without
// one that follow it (a stack trace, a multi-line message), which belong to it.
struct LogEntry {
  // The record's time; absl::InfinitePast() for lines before the first timestamp of the oldest
  // file, whose time is unknown.
  absl::Time time = absl::InfinitePast();
  std::vector<std::string> lines;  // without their '\n'
};

// A readable range of one file of a log: bytes [0, end) of `fd` (not owned).
struct LogSource {
  int fd = -1;
  off_t end = 0;
};

struct TailOptions {
  // At most this many lines (not records: the oldest record may lose its first lines).
  // Negative: no limit. Zero: nothing is read.
  int max_lines = 50;
  // Only records whose time is >= since. Lines whose time is unknown are left out. Both limits
  // apply together, like `docker logs --since --tail`.
  std::optional<absl::Time> since;
};

// The last records of a log made of `sources`, given newest first (the current file, then
// X.log.1, X.log.2, …), returned oldest first. Reads backwards from the end and stops as soon as
// the limits are met; since each file is written in time order, the first record older than
// `since` ends the reading. A record may start in an older file and continue in a newer one.
absl::StatusOr<std::vector<LogEntry>> TailLog(const std::vector<LogSource>& sources,
                                              const TailOptions& options);

// Keeps the last `max_lines` lines of `entries` (oldest first), dropping whole records from the
// front and then the first lines of the oldest remaining one.
void KeepLastLines(std::vector<LogEntry>& entries, size_t max_lines);

// The number of lines in `entries`.
size_t CountLines(const std::vector<LogEntry>& entries);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_LOG_TAIL_H_

#ifndef STIGMER_CLI_LOG_MERGE_H_
#define STIGMER_CLI_LOG_MERGE_H_

#include <cstddef>
#include <vector>

#include "cli/log_tail.h"

namespace stigmer::cli {

// A record and the index of the log it came from.
struct SourcedLogEntry {
  size_t source = 0;
  LogEntry entry;
};

// Merges several logs, each oldest first, into one ordered by time (k-way merge). The merge is
// stable: records with equal times come in the order of their logs' indexes, and each log's own
// order is always kept (even where its times go backwards, e.g. after a clock change).
std::vector<SourcedLogEntry> MergeLogsByTime(std::vector<std::vector<LogEntry>> logs);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_LOG_MERGE_H_

#include "cli/log_merge.h"

#include <functional>
#include <queue>
#include <tuple>
#include <utility>

namespace stigmer::cli {

std::vector<SourcedLogEntry> MergeLogsByTime(std::vector<std::vector<LogEntry>> logs) {
  // (time, log index, position in that log): the smallest tuple comes out first.
  using Head = std::tuple<absl::Time, size_t, size_t>;
  std::priority_queue<Head, std::vector<Head>, std::greater<Head>> heads;
  size_t total = 0;
  for (size_t log = 0; log < logs.size(); ++log) {
    total += logs[log].size();
    if (!logs[log].empty()) heads.emplace(logs[log].front().time, log, 0);
  }
  std::vector<SourcedLogEntry> merged;
  merged.reserve(total);
  while (!heads.empty()) {
    const auto [time, log, position] = heads.top();
    heads.pop();
    merged.push_back(SourcedLogEntry{log, std::move(logs[log][position])});
    if (position + 1 < logs[log].size()) {
      heads.emplace(logs[log][position + 1].time, log, position + 1);
    }
  }
  return merged;
}

}  // namespace stigmer::cli

#include "cli/log_tail.h"

#include <algorithm>
#include <utility>

#include "cli/log_reverse_reader.h"
#include "common/timestamp.h"

namespace stigmer::cli {
void KeepLastLines(std::vector<LogEntry>& entries, size_t max_lines) {
  size_t total = CountLines(entries);
  size_t drop_entries = 0;
  while (total > max_lines && drop_entries < entries.size() &&
         total - entries[drop_entries].lines.size() >= max_lines) {
    total -= entries[drop_entries].lines.size();
    ++drop_entries;
  }
  entries.erase(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(drop_entries));
  if (total > max_lines && !entries.empty()) {
    std::vector<std::string>& lines = entries.front().lines;
    lines.erase(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(total - max_lines));
  }
}

size_t CountLines(const std::vector<LogEntry>& entries) {
  size_t total = 0;
  for (const LogEntry& entry : entries) total += entry.lines.size();
  return total;
}

absl::StatusOr<std::vector<LogEntry>> TailLog(const std::vector<LogSource>& sources,
                                              const TailOptions& options) {
  std::vector<LogEntry> newest_first;
  if (options.max_lines == 0) return newest_first;
  const bool limited = options.max_lines > 0;
  const size_t max_lines = limited ? static_cast<size_t>(options.max_lines) : 0;

  size_t collected = 0;
  std::vector<std::string> pending;  // lines of the record being read, last first
  bool done = false;
  for (const LogSource& source : sources) {
    ReverseLineReader reader(source.fd, source.end);
    while (!done) {
      absl::StatusOr<std::optional<std::string>> line = reader.Previous();
      if (!line.ok()) return line.status();
      if (!line->has_value()) break;
      std::optional<absl::Time> time = ParseRfc3339Millis(**line);
      if (!time.has_value()) {
        // Lines beyond the limit are not kept; reading goes on only to find their record's time.
        if (!limited || collected + pending.size() < max_lines)
          pending.push_back(**std::move(line));
        continue;
      }
      pending.push_back(**std::move(line));
      if (options.since.has_value() && *time < *options.since) {
        pending.clear();
        done = true;
        break;
      }
      LogEntry entry;
      entry.time = *time;
      entry.lines.assign(std::make_move_iterator(pending.rbegin()),
                         std::make_move_iterator(pending.rend()));
      pending.clear();
      collected += entry.lines.size();
      newest_first.push_back(std::move(entry));
      if (limited && collected >= max_lines) done = true;
    }
    if (done) break;
  }
  if (!done && !pending.empty() && !options.since.has_value()) {
    LogEntry entry;  // before the first timestamp: time unknown
    entry.lines.assign(std::make_move_iterator(pending.rbegin()),
                       std::make_move_iterator(pending.rend()));
    newest_first.push_back(std::move(entry));
  }

  std::vector<LogEntry> entries(std::make_move_iterator(newest_first.rbegin()),
                                std::make_move_iterator(newest_first.rend()));
  if (limited) KeepLastLines(entries, max_lines);
  return entries;
}

}  // namespace stigmer::cli

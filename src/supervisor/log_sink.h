#ifndef STIGMER_SUPERVISOR_LOG_SINK_H_
#define STIGMER_SUPERVISOR_LOG_SINK_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/unique_fd.h"
#include "supervisor/component_spec.h"

namespace stigmer::supervisor {

// One log file written line by line: "<FormatRfc3339Millis(now)> <line>\n".
//
// Lines are never torn, lost or duplicated while the file can be written: each batch is
// written whole (one write() per batch, or a few around a rotation) and a short write is retried.
//
// Rotation: when a line would make the file exceed max_bytes (and the file is not empty),
// file.(n-1) → file.n … file → file.1 are renamed (keeping max_files rotated files; the
// oldest is replaced) and a new file is opened. A single line longer than max_bytes gets a file
// to itself.
//
// Failure policy: a write error (ENOSPC, EACCES, a missing or unwritable folder…) never stops
// the supervisor. The lines of the failed batch are dropped and counted (lines_dropped()), the
// error is kept in error() and reported once to the supervisor's stderr (spdlog) per failure
// episode; a partly written batch is cut back (ftruncate) so no torn line stays. The file is
// reopened at most once a second on later writes, so logging resumes when the problem goes
// away (error() is then cleared and the recovery logged). Files are created 0600, missing
// folders 0700.
//
// Threads: not thread-safe (the supervisor's loop thread owns it). Two sinks must not share a
// path; stdout and stderr of one component share one sink.
class LogSink {
 public:
  LogSink(std::filesystem::path path, LogRotation rotation);
  LogSink(const LogSink&) = delete;
  LogSink& operator=(const LogSink&) = delete;

  // Writes `lines` (without their '\n'), all stamped with `now`.
  void WriteLines(const std::vector<absl::string_view>& lines, absl::Time now);

  const std::filesystem::path& path() const { return path_; }
  int64_t lines_dropped() const { return lines_dropped_; }
  const std::string& error() const { return error_; }

 private:
  bool EnsureOpen(absl::Time now);
  bool FlushBuffer(absl::Time now);  // false: failed, the file was closed
  void Rotate(absl::Time now);
  void Fail(const std::string& error, absl::Time now);

  std::filesystem::path path_;
  LogRotation rotation_;
  UniqueFd fd_;
  int64_t size_ = 0;  // of the open file
  std::optional<absl::Time> last_open_attempt_;
  std::string buffer_;
  size_t buffered_lines_ = 0;
  int64_t lines_dropped_ = 0;
  std::string error_;
  bool failing_ = false;
};

// The last lines of a component's output (both streams), for start-failure and fatal reports.
class LogTail {
 public:
  explicit LogTail(size_t capacity = 20) : capacity_(capacity) {}
  void Add(const std::vector<absl::string_view>& lines);
  std::vector<std::string> Lines() const { return {lines_.begin(), lines_.end()}; }
  std::string LastLine() const { return lines_.empty() ? "" : lines_.back(); }

 private:
  size_t capacity_;
  std::deque<std::string> lines_;
};

// Splits one stream (a child's stdout or stderr) into lines for a sink and a tail. Bytes after
// the last newline wait for the next Append; a line longer than kMaxLine bytes is cut into
// pieces of kMaxLine bytes, each written as a line of its own. Either target may be null.
// Threads: not thread-safe.
class LogStream {
 public:
  static constexpr size_t kMaxLine = 64 * 1024;

  LogStream(LogSink* sink, LogTail* tail) : sink_(sink), tail_(tail) {}

  void Append(absl::string_view bytes, absl::Time now);
  // End of stream: writes a pending partial line.
  void Finish(absl::Time now);

 private:
  void Emit(absl::Time now);

  LogSink* sink_;
  LogTail* tail_;
  std::string partial_;
  std::string first_line_;  // a completed partial line, alive while its batch is written
  std::vector<absl::string_view> lines_;
};

}  // namespace stigmer::supervisor

#endif  // STIGMER_SUPERVISOR_LOG_SINK_H_

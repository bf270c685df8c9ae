#include "supervisor/log_sink.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/errno_status.h"
#include "common/file_io.h"
#include "common/timestamp.h"
#include "spdlog/spdlog.h"

namespace stigmer::supervisor {

LogSink::LogSink(std::filesystem::path path, LogRotation rotation)
    : path_(std::move(path)), rotation_(rotation) {}

void LogSink::Fail(const std::string& error, absl::Time now) {
  fd_.Reset();
  last_open_attempt_ = now;
  error_ = error;
  if (!std::exchange(failing_, true)) {
    spdlog::error("log file {}: {}; dropping its lines until it can be written", path_.string(),
                  error);
  }
}

bool LogSink::EnsureOpen(absl::Time now) {
  if (fd_) return true;
  if (last_open_attempt_.has_value() && now - *last_open_attempt_ < absl::Seconds(1)) {
    return false;
  }
  last_open_attempt_ = now;
  if (absl::Status made = MakeDirectories(path_.parent_path()); !made.ok()) {
    Fail(std::string(made.message()), now);
    return false;
  }
  UniqueFd fd(::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
  struct stat info;
  if (!fd || ::fstat(fd.get(), &info) != 0) {
    Fail(std::string(ErrnoToStatus(absl::StrCat("open ", path_.string()), errno).message()), now);
    return false;
  }
  fd_ = std::move(fd);
  size_ = info.st_size;
  error_.clear();
  if (std::exchange(failing_, false)) {
    spdlog::info("log file {} can be written again ({} lines dropped so far)", path_.string(),
                 lines_dropped_);
  }
  return true;
}

bool LogSink::FlushBuffer(absl::Time now) {
  size_t done = 0;
  while (done < buffer_.size()) {
    ssize_t written = ::write(fd_.get(), buffer_.data() + done, buffer_.size() - done);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {
      const int error_number = written < 0 ? errno : ENOSPC;
      if (done > 0 && ::ftruncate(fd_.get(), size_) != 0) {
        // Cutting back failed too: the torn line stays; nothing more to do.
      }
      lines_dropped_ += buffered_lines_;
      Fail(std::string(
               ErrnoToStatus(absl::StrCat("write ", path_.string()), error_number).message()),
           now);
      buffer_.clear();
      buffered_lines_ = 0;
      return false;
    }
    done += written;
  }
  size_ += buffer_.size();
  buffer_.clear();
  buffered_lines_ = 0;
  return true;
}

void LogSink::Rotate(absl::Time now) {
  fd_.Reset();
  std::error_code ignored;
  if (rotation_.max_files <= 0) {
    std::filesystem::remove(path_, ignored);
  } else {
    auto numbered = [this](int n) {
      return std::filesystem::path(absl::StrCat(path_.string(), ".", n));
    };
    for (int n = rotation_.max_files; n > 1; --n) {
      std::filesystem::rename(numbered(n - 1), numbered(n), ignored);
    }
    std::filesystem::rename(path_, numbered(1), ignored);
  }
  last_open_attempt_.reset();  // reopening right away is not a retry
  EnsureOpen(now);
}

void LogSink::WriteLines(const std::vector<absl::string_view>& lines, absl::Time now) {
  if (lines.empty()) return;
  if (!EnsureOpen(now)) {
    lines_dropped_ += lines.size();
    return;
  }
  const std::string stamp = FormatRfc3339Millis(now);
  buffer_.clear();
  buffered_lines_ = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const absl::string_view line = lines[i];
    const int64_t entry = stamp.size() + 1 + line.size() + 1;
    const int64_t pending = size_ + static_cast<int64_t>(buffer_.size());
    if (rotation_.max_bytes > 0 && pending > 0 && pending + entry > rotation_.max_bytes) {
      if (!buffer_.empty() && !FlushBuffer(now)) {
        lines_dropped_ += lines.size() - i;
        return;
      }
      Rotate(now);
      if (!fd_) {
        lines_dropped_ += lines.size() - i;
        return;
      }
    }
    buffer_.append(stamp);
    buffer_.push_back(' ');
    buffer_.append(line.data(), line.size());
    buffer_.push_back('\n');
    ++buffered_lines_;
  }
  FlushBuffer(now);
}

void LogTail::Add(const std::vector<absl::string_view>& lines) {
  const size_t first = lines.size() > capacity_ ? lines.size() - capacity_ : 0;
  for (size_t i = first; i < lines.size(); ++i) {
    lines_.emplace_back(lines[i]);
    if (lines_.size() > capacity_) lines_.pop_front();
  }
}

void LogStream::Emit(absl::Time now) {
  if (lines_.empty()) return;
  if (sink_ != nullptr) sink_->WriteLines(lines_, now);
  if (tail_ != nullptr) tail_->Add(lines_);
  lines_.clear();
}

void LogStream::Append(absl::string_view bytes, absl::Time now) {
  lines_.clear();
  size_t pos = 0;
  if (!partial_.empty()) {
    // Complete the pending line first: up to a newline, or until it is kMaxLine long.
    const size_t newline = bytes.find('\n');
    const size_t end = newline == absl::string_view::npos ? bytes.size() : newline;
    const size_t room = kMaxLine - partial_.size();
    if (end <= room) {
      partial_.append(bytes.data(), end);
      if (newline == absl::string_view::npos) return;
      pos = newline + 1;
    } else {
      partial_.append(bytes.data(), room);
      pos = room;
    }
    first_line_.swap(partial_);
    partial_.clear();
    lines_.push_back(first_line_);
  }
  while (pos < bytes.size()) {
    const size_t newline = bytes.find('\n', pos);
    if (newline != absl::string_view::npos && newline - pos <= kMaxLine) {
      lines_.push_back(bytes.substr(pos, newline - pos));
      pos = newline + 1;
    } else if ((newline == absl::string_view::npos ? bytes.size() : newline) - pos > kMaxLine) {
      lines_.push_back(bytes.substr(pos, kMaxLine));
      pos += kMaxLine;
    } else {
      partial_.assign(bytes.data() + pos, bytes.size() - pos);
      break;
    }
  }
  Emit(now);
}

void LogStream::Finish(absl::Time now) {
  if (partial_.empty()) return;
  first_line_.swap(partial_);
  partial_.clear();
  lines_.clear();
  lines_.push_back(first_line_);
  Emit(now);
}

}  // namespace stigmer::supervisor

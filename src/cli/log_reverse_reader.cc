#include "cli/log_reverse_reader.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "common/errno_status.h"

namespace stigmer::cli {
namespace {

constexpr off_t kBlockSize = 64 * 1024;

}  // namespace

ReverseLineReader::ReverseLineReader(int fd, off_t end)
    : fd_(fd), loaded_from_(end), exhausted_(end <= 0) {}

absl::StatusOr<std::optional<std::string>> ReverseLineReader::Previous() {
  if (exhausted_) return std::nullopt;
  while (true) {
    // The '\n' that ends the file's last line does not start another (empty) line.
    const size_t newline = buffer_.rfind('\n');
    if (newline != std::string::npos) {
      std::string line = buffer_.substr(newline + 1);
      buffer_.resize(newline);
      return line;
    }
    if (loaded_from_ == 0) {
      exhausted_ = true;
      return std::move(buffer_);
    }
    const off_t start = std::max<off_t>(0, loaded_from_ - kBlockSize);
    std::string block(static_cast<size_t>(loaded_from_ - start), '\0');
    size_t filled = 0;
    while (filled < block.size()) {
      const ssize_t got =
          ::pread(fd_, block.data() + filled, block.size() - filled, start + filled);
      if (got < 0) {
        if (errno == EINTR) continue;
        return ErrnoToStatus("read log file", errno);
      }
      if (got == 0) break;  // truncated while reading: the missing bytes read as nothing
      filled += static_cast<size_t>(got);
    }
    block.resize(filled);
    if (!loaded_any_ && !block.empty() && block.back() == '\n') {
      block.pop_back();
    }
    loaded_any_ = true;
    loaded_from_ = start;
    buffer_.insert(0, block);
  }
}

}  // namespace stigmer::cli

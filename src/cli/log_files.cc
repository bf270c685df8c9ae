#include "cli/log_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/errno_status.h"

namespace stigmer::cli {
namespace {

constexpr off_t kBlockSize = 64 * 1024;

}  // namespace

std::filesystem::path RotatedLogPath(const std::filesystem::path& current, int index) {
  std::filesystem::path rotated = current;
  rotated += "." + std::to_string(index);
  return rotated;
}

absl::StatusOr<OpenedLogFile> OpenLogFile(const std::filesystem::path& path) {
  OpenedLogFile file;
  file.path = path;
  file.fd.Reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!file.fd) return ErrnoToStatus(absl::StrCat("open ", path.string()), errno);
  struct stat st {};
  if (::fstat(file.fd.get(), &st) != 0) {
    return ErrnoToStatus(absl::StrCat("stat ", path.string()), errno);
  }
  file.device = st.st_dev;
  file.inode = st.st_ino;
  file.size = st.st_size;
  return file;
}

absl::StatusOr<std::vector<OpenedLogFile>> OpenLogFiles(const std::filesystem::path& current) {
  std::vector<OpenedLogFile> files;
  for (int index = 0; index <= kMaxRotatedLogs; ++index) {
    absl::StatusOr<OpenedLogFile> file =
        OpenLogFile(index == 0 ? current : RotatedLogPath(current, index));
    if (absl::IsNotFound(file.status())) continue;
    if (!file.ok()) return file.status();
    const bool seen = std::any_of(files.begin(), files.end(), [&](const OpenedLogFile& other) {
      return other.device == file->device && other.inode == file->inode;
    });
    if (!seen) files.push_back(*std::move(file));
  }
  return files;
}

absl::StatusOr<off_t> CompleteLinesEnd(int fd, off_t size) {
  std::string block;
  off_t end = size;
  while (end > 0) {
    const off_t start = std::max<off_t>(0, end - kBlockSize);
    block.resize(static_cast<size_t>(end - start));
    const ssize_t got = ::pread(fd, block.data(), block.size(), start);
    if (got < 0) return ErrnoToStatus("read log file", errno);
    block.resize(static_cast<size_t>(got));
    if (const size_t newline = block.rfind('\n'); newline != std::string::npos) {
      return start + static_cast<off_t>(newline) + 1;
    }
    end = start;
  }
  return off_t{0};
}

}  // namespace stigmer::cli

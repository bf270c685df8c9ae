#ifndef STIGMER_CLI_LOG_FILES_H_
#define STIGMER_CLI_LOG_FILES_H_

#include <sys/types.h>

#include <filesystem>
#include <vector>

#include "absl/status/statusor.h"
#include "common/unique_fd.h"

namespace stigmer::cli {

// The supervisor rotates a log by size: `X.log` is written, `X.log.1` is the newest rotated file
// and `X.log.N` older ones (rotation renames X.log.N → X.log.N+1, …, X.log → X.log.1 and creates
// a new X.log). These are the most rotated files a reader looks for.
inline constexpr int kMaxRotatedLogs = 9;

// `current` with ".<index>" appended: the index-th rotated file.
std::filesystem::path RotatedLogPath(const std::filesystem::path& current, int index);

// One log file opened for reading, with the size it had when it was opened.
struct OpenedLogFile {
  std::filesystem::path path;
  UniqueFd fd;
  dev_t device = 0;
  ino_t inode = 0;
  off_t size = 0;
};

// Opens `current` and then its rotated files, and returns them newest first (current first).
// Missing files are skipped, so the result is empty when there is no log yet. Opening the
// current file first and skipping any inode already opened makes the set consistent even if the
// supervisor rotates while we open: no file is missed or read twice.
// Errors other than a missing file (e.g. PermissionDenied) are returned.
absl::StatusOr<std::vector<OpenedLogFile>> OpenLogFiles(const std::filesystem::path& current);

// Opens one file read-only; NotFound if it does not exist.
absl::StatusOr<OpenedLogFile> OpenLogFile(const std::filesystem::path& path);

// The offset just past the last '\n' in the first `size` bytes of `fd` (0 if there is none):
// where complete lines end and a line still being written begins. Reads backwards in blocks.
absl::StatusOr<off_t> CompleteLinesEnd(int fd, off_t size);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_LOG_FILES_H_

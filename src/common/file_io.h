#ifndef STIGMER_COMMON_FILE_IO_H_
#define STIGMER_COMMON_FILE_IO_H_

#include <sys/types.h>

#include <filesystem>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace stigmer {

// Replaces `path` with `contents` so that readers see either the old or the new file, never a
// half-written one: writes `path`.tmp.<pid>, fsyncs it, and renames it over `path`.
// The file gets `mode` (default 0600). On error nothing is left behind. With `durable` false the
// fsync is skipped: readers still never see half a file, but a machine crash may lose the update
// (right for files rewritten often whose loss is harmless, such as state.json).
absl::Status WriteFileAtomically(const std::filesystem::path& path, absl::string_view contents,
                                 mode_t mode = 0600, bool durable = true);

// Reads a whole file. NotFound if it does not exist.
absl::StatusOr<std::string> ReadFileToString(const std::filesystem::path& path);

// Creates `dir` and its missing parents with `mode` (default 0700); an existing folder is left
// as it is.
absl::Status MakeDirectories(const std::filesystem::path& dir, mode_t mode = 0700);

}  // namespace stigmer

#endif  // STIGMER_COMMON_FILE_IO_H_

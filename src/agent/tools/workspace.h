#ifndef STIGMER_AGENT_TOOLS_WORKSPACE_H_
#define STIGMER_AGENT_TOOLS_WORKSPACE_H_

// The folder an agent's `files` tool works in ($STIGMER_HOME/data/workspaces/<id>/, 0700), and
// the operations on it. Every path the model gives is resolved beneath the folder by the kernel
// (openat2 with RESOLVE_BENEATH and RESOLVE_NO_MAGICLINKS), so `..`, an absolute path or a
// symlink that leads out is refused however it is spelled, and a file swapped for a symlink in
// the middle of an operation cannot lead out either. Errors are for the model to read: each
// names the path as it was given and says what to do.

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/unique_fd.h"

namespace stigmer::agent {

struct WorkspaceLimits {
  size_t max_read_bytes = 256 * 1024;        // Read returns at most this much
  size_t max_file_bytes = 16 * 1024 * 1024;  // the largest file Edit and Grep open, Write writes
  size_t max_entries = 1000;                 // List
  size_t max_matches = 200;                  // Grep
};

struct WorkspaceEntry {
  std::string path;  // relative to the workspace, "/"-separated
  bool directory = false;
  bool symlink = false;
  off_t size = 0;  // regular files only
};

struct GrepMatch {
  std::string path;
  int line = 0;      // 1-based
  std::string text;  // the line, cut to 300 bytes
};

struct ReadResult {
  std::string content;
  bool truncated = false;  // the file is longer than max_read_bytes
  off_t size = 0;
};

class Workspace {
 public:
  // Opens `root`, creating it (and its parents) 0700 when missing. Fails when it cannot, or when
  // `root` is not a directory.
  static absl::StatusOr<Workspace> Open(const std::filesystem::path& root,
                                        WorkspaceLimits limits = {});

  const std::filesystem::path& root() const { return root_; }

  // The entries under `path` ("" or "." for the top), sorted, recursing when asked; at most
  // max_entries (then `truncated`). Symlinks are listed, never followed.
  absl::StatusOr<std::vector<WorkspaceEntry>> List(absl::string_view path, bool recursive,
                                                   bool* truncated) const;

  // A regular file's content (not a FIFO, device or folder), at most max_read_bytes of it.
  absl::StatusOr<ReadResult> Read(absl::string_view path) const;

  // Writes `content` to `path` (0600), creating missing folders; atomically: readers see the old
  // content or the new, never a part.
  absl::Status Write(absl::string_view path, absl::string_view content) const;

  // Replaces `old_text` with `new_text` in `path`: exactly one occurrence unless `all`. NotFound
  // when `old_text` is not there; InvalidArgument when it appears more than once without `all`.
  // Returns the number of replacements.
  absl::StatusOr<int> Edit(absl::string_view path, absl::string_view old_text,
                           absl::string_view new_text, bool all) const;

  // The folder `path`, made (0700) with its missing parents when absent, as its real path: where
  // a process may be started to work in the workspace.
  absl::StatusOr<std::filesystem::path> Folder(absl::string_view path) const;

  // Lines matching `pattern` (RE2 syntax: linear time, no backtracking) in the files under
  // `path`, skipping binary files and files over max_file_bytes; at most max_matches.
  absl::StatusOr<std::vector<GrepMatch>> Grep(absl::string_view pattern, absl::string_view path,
                                              bool* truncated) const;

 private:
  Workspace(std::filesystem::path root, UniqueFd fd, WorkspaceLimits limits)
      : root_(std::move(root)), fd_(std::move(fd)), limits_(limits) {}

  // Opens the folders `parts` (the normalized `path`, split) one beneath the other, making the
  // missing ones.
  absl::StatusOr<UniqueFd> MakeFolders(const std::vector<std::string>& parts,
                                       absl::string_view path) const;
  // openat2 beneath the workspace; errors name `path` as the model gave it.
  absl::StatusOr<UniqueFd> OpenBeneath(absl::string_view path, int flags, mode_t mode = 0) const;
  absl::StatusOr<ReadResult> ReadUpTo(absl::string_view path, size_t max_bytes) const;
  // The whole of a regular file; FailedPrecondition when it is larger than max_file_bytes.
  absl::StatusOr<std::string> ReadWhole(absl::string_view path) const;

  std::filesystem::path root_;
  UniqueFd fd_;
  WorkspaceLimits limits_;
};

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_TOOLS_WORKSPACE_H_

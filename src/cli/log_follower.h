#ifndef STIGMER_CLI_LOG_FOLLOWER_H_
#define STIGMER_CLI_LOG_FOLLOWER_H_

#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cli/log_files.h"
#include "common/unique_fd.h"

namespace stigmer::cli {

// Follows log files as `tail -F` does: prints the complete lines appended to them, and goes on
// across rotation and re-creation.
//
// - A file that does not exist yet is read from its start once it appears (also when its folder
//   does not exist yet).
// - When a followed path is renamed away or replaced (a different inode, or no file), whatever
//   was appended to the old file is read first (a last line without '\n' is printed as is), then
//   the new file is read from its start: nothing is lost or printed twice, unless a file is
//   created and rotated away between two wake-ups (before it could be opened), e.g. two
//   rotations in one wake-up. A file that shrinks in place is read again from 0.
// - Only complete lines are given to the sink; a line still being written is held until its
//   '\n' arrives.
// Wakes up on inotify events on the files' folders (IN_MODIFY, IN_CREATE, IN_MOVED_FROM/TO, …)
// and at least every `poll_interval`, so a stop request is seen promptly; never spins.
// Not thread-safe: one thread adds files and runs the follower.
class LogFollower {
 public:
  // Called with the index of the file (from Add) and one line, without its '\n'.
  using LineSink = std::function<void(size_t file_index, absl::string_view line)>;

  // Errors if inotify is not available.
  static absl::StatusOr<LogFollower> Create();

  LogFollower(LogFollower&&) = default;
  LogFollower& operator=(LogFollower&&) = default;

  // Follows `path`. If `opened` is given it is `path` opened already (by the tail that printed
  // its first `offset` bytes) and reading continues from `offset`; otherwise the file at `path`
  // is read from its start. Returns the file's index, counting from 0 in the order of the calls.
  size_t Add(std::filesystem::path path, std::optional<OpenedLogFile> opened = std::nullopt,
             off_t offset = 0);

  // Waits up to `timeout` for a change, then reads what is new in every file and gives the
  // complete lines to `sink`. The first call also reads once before waiting (lines appended
  // between the tail and the follow). Errors on a failed read (e.g. permission denied).
  absl::Status Poll(absl::Duration timeout, const LineSink& sink);

  // Polls until `stop_requested` is true (checked at least every `poll_interval`), calling
  // `after_poll` after each round (e.g. to flush the output); also stops when that returns false
  // (e.g. the output was closed). Returns OK when stopped.
  absl::Status Run(const std::atomic<bool>& stop_requested, const LineSink& sink,
                   const std::function<bool()>& after_poll = nullptr,
                   absl::Duration poll_interval = absl::Milliseconds(100));

 private:
  struct File {
    std::filesystem::path path;
    UniqueFd fd;  // invalid while the file does not exist (or after it was rotated away)
    dev_t device = 0;
    ino_t inode = 0;
    off_t offset = 0;     // next byte to read
    std::string partial;  // bytes read after the last '\n'
  };
  struct Watch {
    std::filesystem::path folder;
    int descriptor = -1;  // -1 while the folder does not exist
  };

  explicit LogFollower(UniqueFd inotify) : inotify_(std::move(inotify)) {}

  void AddWatches();
  absl::Status WaitForEvents(absl::Duration timeout);
  absl::Status ReadAll(const LineSink& sink);
  absl::Status ReadFile(size_t index, const LineSink& sink);
  absl::Status ReadAppended(size_t index, const LineSink& sink);

  UniqueFd inotify_;
  std::vector<File> files_;
  std::vector<Watch> watches_;
  bool read_once_ = false;
};

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_LOG_FOLLOWER_H_

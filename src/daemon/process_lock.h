#ifndef STIGMER_DAEMON_PROCESS_LOCK_H_
#define STIGMER_DAEMON_PROCESS_LOCK_H_

#include <sys/types.h>

#include <filesystem>

#include "absl/status/statusor.h"
#include "common/unique_fd.h"

namespace stigmer::daemon {

// The single-instance lock of one STIGMER_HOME: an exclusive flock on supervisor.lock held for
// the daemon's whole life, released by the kernel however the daemon ends. "Is the daemon
// running" means "is this lock held", never "does a PID answer kill(pid, 0)".
class ProcessLock {
 public:
  // Takes the lock without waiting. AlreadyExists ("the stigmer daemon is already running
  // (pid N)") when another process holds it.
  static absl::StatusOr<ProcessLock> TryAcquire(const std::filesystem::path& lock_file,
                                                const std::filesystem::path& pid_file);

  ProcessLock(ProcessLock&&) = default;
  ProcessLock& operator=(ProcessLock&&) = default;

  // Writes this process's pid to the pid file (atomically).
  absl::Status WritePidFile() const;
  // Removes the pid file; the lock itself goes with the object.
  void RemovePidFile() const;

 private:
  ProcessLock(UniqueFd fd, std::filesystem::path pid_file)
      : fd_(std::move(fd)), pid_file_(std::move(pid_file)) {}
  UniqueFd fd_;
  std::filesystem::path pid_file_;
};

// True if some process holds the lock on `lock_file` (false if the file does not exist).
bool IsLockHeld(const std::filesystem::path& lock_file);

// The pid written in a pid file, or 0 if the file is missing or malformed.
pid_t ReadPidFile(const std::filesystem::path& pid_file);

}  // namespace stigmer::daemon

#endif  // STIGMER_DAEMON_PROCESS_LOCK_H_

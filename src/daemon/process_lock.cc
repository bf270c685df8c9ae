#include "daemon/process_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/errno_status.h"
#include "common/file_io.h"

namespace stigmer::daemon {

absl::StatusOr<ProcessLock> ProcessLock::TryAcquire(const std::filesystem::path& lock_file,
                                                    const std::filesystem::path& pid_file) {
  UniqueFd fd(::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) return ErrnoToStatus(absl::StrCat("cannot open ", lock_file.string()), errno);
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) {
      return ErrnoToStatus(absl::StrCat("cannot lock ", lock_file.string()), errno);
    }
    const pid_t holder = ReadPidFile(pid_file);
    return absl::AlreadyExistsError(
        holder > 0 ? absl::StrCat("the stigmer daemon is already running (pid ", holder, ")")
                   : "the stigmer daemon is already running");
  }
  return ProcessLock(std::move(fd), pid_file);
}

absl::Status ProcessLock::WritePidFile() const {
  return WriteFileAtomically(pid_file_, absl::StrCat(::getpid(), "\n"));
}

void ProcessLock::RemovePidFile() const { ::unlink(pid_file_.c_str()); }

bool IsLockHeld(const std::filesystem::path& lock_file) {
  UniqueFd fd(::open(lock_file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return false;
  if (::flock(fd.get(), LOCK_SH | LOCK_NB) == 0) return false;
  return errno == EWOULDBLOCK;
}

pid_t ReadPidFile(const std::filesystem::path& pid_file) {
  absl::StatusOr<std::string> text = ReadFileToString(pid_file);
  if (!text.ok()) return 0;
  int pid = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(*text), &pid) || pid <= 0) return 0;
  return pid;
}

}  // namespace stigmer::daemon

#include "cli/daemon_launcher.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/errno_status.h"
#include "common/file_io.h"
#include "common/unique_fd.h"

namespace stigmer::cli {
namespace {

constexpr int kLauncherFd = 3;

// In the forked child: becomes the detached daemon, or exits 127.
[[noreturn]] void BecomeDaemon(const std::string& self, const std::string& log_file,
                               int write_end) {
  ::setsid();
  int null_fd = ::open("/dev/null", O_RDWR);
  int log_fd = ::open(log_file.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0600);
  if (log_fd < 0) log_fd = null_fd;  // an unwritable log folder must not keep the daemon down
  if (null_fd < 0) ::_exit(127);
  ::dup2(null_fd, STDIN_FILENO);
  ::dup2(log_fd, STDOUT_FILENO);
  ::dup2(log_fd, STDERR_FILENO);
  ::dup2(write_end, kLauncherFd);
  ::close_range(kLauncherFd + 1, ~0U, 0);
  const std::string fd_text = std::to_string(kLauncherFd);
  const char* argv[] = {self.c_str(),    "internal",      "supervisor",
                        "--launcher-fd", fd_text.c_str(), nullptr};
  ::execv(self.c_str(), const_cast<char* const*>(argv));
  ::_exit(127);
}

}  // namespace

absl::StatusOr<LaunchResult> LaunchDaemon(const config::Paths& paths, absl::Duration timeout) {
  if (absl::Status made = MakeDirectories(paths.DataDir()); !made.ok()) return made;
  (void)MakeDirectories(paths.LogDir());  // the daemon reports an unwritable log folder itself
  char self[4096];
  const ssize_t length = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (length <= 0) return ErrnoToStatus("cannot find the stigmer binary", errno);
  const std::string self_path(self, static_cast<size_t>(length));
  const std::string log_file = paths.StdoutLog("supervisor").string();

  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) return ErrnoToStatus("cannot create a pipe", errno);
  UniqueFd read_end(ends[0]);
  UniqueFd write_end(ends[1]);
  const pid_t pid = ::fork();
  if (pid < 0) return ErrnoToStatus("cannot fork", errno);
  if (pid == 0) BecomeDaemon(self_path, log_file, write_end.get());
  write_end.Reset();

  // One line, then EOF. EOF without a line means the daemon died before it could say anything.
  std::string line;
  const absl::Time deadline = absl::Now() + timeout;
  while (!absl::StrContains(line, "\n")) {
    pollfd entry{read_end.get(), POLLIN, 0};
    const int wait_ms =
        static_cast<int>(std::max<int64_t>(0, absl::ToInt64Milliseconds(deadline - absl::Now())));
    const int ready = ::poll(&entry, 1, wait_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      return absl::DeadlineExceededError(absl::StrCat(
          "the daemon did not answer within ", absl::FormatDuration(timeout), "; see ", log_file));
    }
    char buffer[4096];
    const ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return absl::InternalError(absl::StrCat("the daemon exited while starting; see ", log_file));
    }
    line.append(buffer, static_cast<size_t>(n));
  }
  absl::string_view answer = absl::StripTrailingAsciiWhitespace(line);
  if (answer == "LISTENING") return LaunchResult{LaunchResult::Outcome::kListening, pid};
  if (absl::ConsumePrefix(&answer, "RUNNING ")) {
    LaunchResult result{LaunchResult::Outcome::kAlreadyRunning, 0};
    (void)absl::SimpleAtoi(answer, &result.pid);
    return result;
  }
  absl::ConsumePrefix(&answer, "ERROR ");
  return absl::FailedPreconditionError(answer);
}

}  // namespace stigmer::cli

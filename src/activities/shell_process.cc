#include "activities/shell_process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "activities/shell_group_record.h"
#include "common/errno_status.h"
#include "common/process_spawn.h"

namespace stigmer::activities {

absl::StatusOr<ShellProcess> ShellProcess::Start(const ProcessOptions& options) {
  absl::StatusOr<Pipe> in = MakePipe(), out = MakePipe(), err = MakePipe();
  for (const auto* made : {&in, &out, &err}) {
    if (!made->ok()) return made->status();
  }
  SpawnPlan plan;
  plan.argv = options.argv;
  plan.env = options.env;
  plan.working_dir = options.working_dir;
  plan.stdio[0] = in->read.get();
  plan.stdio[1] = out->write.get();
  plan.stdio[2] = err->write.get();
  pid_t recorded = 0;
  // Recorded before the command runs: it cannot leave a process the record misses.
  const auto record = [&recorded](pid_t pid) {
    absl::Status status = RecordShellGroup(pid);
    if (status.ok()) recorded = pid;
    return status;
  };
  absl::StatusOr<pid_t> pid =
      options.record_group ? SpawnProcess(plan, record) : SpawnProcess(plan);
  if (!pid.ok()) {
    if (recorded != 0) ForgetShellGroup(recorded);  // exec failed after the group was recorded
    return pid.status();
  }
  ShellProcess process;
  process.pid_ = *pid;
  process.reaped_ = false;
  process.recorded_ = recorded != 0;
  process.pidfd_.Reset(static_cast<int>(::syscall(SYS_pidfd_open, *pid, 0)));
  if (!process.pidfd_) return ErrnoToStatus("pidfd_open", errno);
  for (UniqueFd* fd : {&in->write, &out->read, &err->read}) {
    ::fcntl(fd->get(), F_SETFL, O_NONBLOCK);
  }
  process.stdin_ = std::move(in->write);
  process.stdout_ = std::move(out->read);
  process.stderr_ = std::move(err->read);
  return process;
}

absl::Status ShellProcess::StartDetached(const ProcessOptions& options, const std::string& input) {
  UniqueFd null_out(::open("/dev/null", O_WRONLY | O_CLOEXEC));
  if (!null_out) return ErrnoToStatus("open /dev/null", errno);
  UniqueFd stdin_fd;
  if (input.empty()) {
    stdin_fd.Reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!stdin_fd) return ErrnoToStatus("open /dev/null", errno);
  } else {
    absl::StatusOr<Pipe> in = MakePipe();
    if (!in.ok()) return in.status();
    if (input.size() > 65536)
      ::fcntl(in->write.get(), F_SETPIPE_SZ, static_cast<int>(input.size()));
    const int capacity = ::fcntl(in->write.get(), F_GETPIPE_SZ);
    if (capacity < 0 || static_cast<size_t>(capacity) < input.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "stdin of ", input.size(), " bytes does not fit in a pipe for a process not awaited"));
    }
    size_t written = 0;
    while (written < input.size()) {  // fits in the empty pipe: never blocks
      const ssize_t n = ::write(in->write.get(), input.data() + written, input.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoToStatus("writing stdin", errno);
      written += static_cast<size_t>(n);
    }
    stdin_fd = std::move(in->read);
  }
  SpawnPlan plan;
  plan.argv = options.argv;
  plan.env = options.env;
  plan.working_dir = options.working_dir;
  plan.mode = SpawnPlan::Mode::kDetached;
  plan.stdio[0] = stdin_fd.get();
  plan.stdio[1] = null_out.get();
  plan.stdio[2] = null_out.get();
  return SpawnProcess(plan).status();
}

ShellProcess::ShellProcess(ShellProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, 0)),
      reaped_(std::exchange(other.reaped_, true)),
      recorded_(std::exchange(other.recorded_, false)),
      pidfd_(std::move(other.pidfd_)),
      stdin_(std::move(other.stdin_)),
      stdout_(std::move(other.stdout_)),
      stderr_(std::move(other.stderr_)) {}

ShellProcess& ShellProcess::operator=(ShellProcess&& other) noexcept {
  if (this != &other) {
    KillGroupAndReap();
    pid_ = std::exchange(other.pid_, 0);
    reaped_ = std::exchange(other.reaped_, true);
    recorded_ = std::exchange(other.recorded_, false);
    pidfd_ = std::move(other.pidfd_);
    stdin_ = std::move(other.stdin_);
    stdout_ = std::move(other.stdout_);
    stderr_ = std::move(other.stderr_);
  }
  return *this;
}

ShellProcess::~ShellProcess() { KillGroupAndReap(); }

std::optional<ProcessExit> ShellProcess::PeekExit() {
  if (reaped_ || pid_ <= 0) return std::nullopt;
  siginfo_t info{};
  int result;
  do {
    result = ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT);
  } while (result < 0 && errno == EINTR);
  if (result < 0) return ProcessExit{};  // ECHILD: somebody else reaped it; call it a plain exit
  if (info.si_pid == 0) return std::nullopt;
  return ProcessExit{info.si_code != CLD_EXITED, info.si_status};
}

void ShellProcess::SignalGroup(int signal_number) const {
  if (pid_ > 0 && !reaped_) ::kill(-pid_, signal_number);  // never kill(0 or -1, …)
}

void ShellProcess::KillGroupAndReap() {
  if (reaped_ || pid_ <= 0) return;
  ::kill(-pid_, SIGKILL);  // the leader, even a zombie, keeps the group id ours until reaped
  ::kill(pid_, SIGKILL);   // in case the group was never created
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  if (std::exchange(recorded_, false)) ForgetShellGroup(pid_);
}

}  // namespace stigmer::activities

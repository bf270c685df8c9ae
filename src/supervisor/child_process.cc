#include "supervisor/child_process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/errno_status.h"
#include "common/process_spawn.h"

namespace stigmer::supervisor {

absl::StatusOr<ChildProcess> ChildProcess::Spawn(const Options& options) {
  UniqueFd null_fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!null_fd) return ErrnoToStatus("open /dev/null", errno);
  absl::StatusOr<Pipe> out = MakePipe(), err = MakePipe();
  if (!out.ok()) return out.status();
  if (!err.ok()) return err.status();
  Pipe ready;
  if (options.notify_fd) {
    absl::StatusOr<Pipe> made = MakePipe();
    if (!made.ok()) return made.status();
    ready = std::move(*made);
  }
  SpawnPlan plan;
  plan.argv = options.argv;
  plan.env = options.env;
  if (options.notify_fd) plan.env.push_back("STIGMER_READY_FD=3");
  plan.stdio[0] = null_fd.get();
  plan.stdio[1] = out->write.get();
  plan.stdio[2] = err->write.get();
  plan.fd3 = ready.write.get();
  absl::StatusOr<pid_t> pid = SpawnProcess(plan);
  if (!pid.ok()) return pid.status();

  ChildProcess child;
  child.pid_ = *pid;
  child.reaped_ = false;
  for (UniqueFd* fd : {&out->read, &err->read, &ready.read}) {
    if (fd->valid()) ::fcntl(fd->get(), F_SETFL, O_NONBLOCK);
  }
  ::fcntl(out->read.get(), F_SETPIPE_SZ, 1 << 20);  // best effort: fewer wakeups for chatty ones
  ::fcntl(err->read.get(), F_SETPIPE_SZ, 1 << 20);
  child.stdout_ = std::move(out->read);
  child.stderr_ = std::move(err->read);
  child.ready_ = std::move(ready.read);
  return child;
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, 0)),
      reaped_(std::exchange(other.reaped_, true)),
      stdout_(std::move(other.stdout_)),
      stderr_(std::move(other.stderr_)),
      ready_(std::move(other.ready_)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    KillAndReap();
    pid_ = std::exchange(other.pid_, 0);
    reaped_ = std::exchange(other.reaped_, true);
    stdout_ = std::move(other.stdout_);
    stderr_ = std::move(other.stderr_);
    ready_ = std::move(other.ready_);
  }
  return *this;
}

ChildProcess::~ChildProcess() { KillAndReap(); }

void ChildProcess::KillAndReap() {
  if (reaped_ || pid_ <= 0) return;  // never kill(0 or -1, …)
  ::kill(-pid_, SIGKILL);
  ::kill(pid_, SIGKILL);  // in case the group was never created
  int status;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
}

std::optional<int> ChildProcess::TryReap() {
  if (reaped_) return std::nullopt;
  int status = 0;
  pid_t got;
  do {
    got = ::waitpid(pid_, &status, WNOHANG);
  } while (got < 0 && errno == EINTR);
  if (got == 0) return std::nullopt;
  reaped_ = true;
  if (got < 0) return 0;  // ECHILD: somebody else reaped it; report a plain exit
  return status;
}

bool ChildProcess::SignalGroup(int signal_number) const {
  if (pid_ <= 0) return false;
  return ::kill(-pid_, signal_number) == 0;
}

}  // namespace stigmer::supervisor

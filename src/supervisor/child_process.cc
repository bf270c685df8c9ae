#include "supervisor/child_process.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/errno_status.h"

namespace stigmer::supervisor {
namespace {

struct Pipe {
  UniqueFd read, write;
};

absl::StatusOr<Pipe> MakePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return ErrnoToStatus("pipe2", errno);
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// Runs in the forked child: only async-signal-safe calls, no allocation.
[[noreturn]] void ExecChild(pid_t parent, int null_fd, int out_fd, int err_fd, int ready_fd,
                            int error_fd, char* const* argv, char* const* envp) {
  auto fail = [&error_fd](int error_number) {  // error_fd moves below
    [[maybe_unused]] ssize_t written = ::write(error_fd, &error_number, sizeof(error_number));
    ::_exit(127);
  };
  if (::setpgid(0, 0) != 0) fail(errno);
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail(errno);
  if (::getppid() != parent) ::_exit(127);  // the parent died before PDEATHSIG was armed

  sigset_t empty;
  sigemptyset(&empty);
  ::sigprocmask(SIG_SETMASK, &empty, nullptr);
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (int signal_number = 1; signal_number < NSIG; ++signal_number) {
    ::sigaction(signal_number, &default_action, nullptr);  // fails harmlessly for KILL/STOP
  }

  // Move every source above the targets first, so that dup3 below cannot clobber one.
  int sources[5] = {null_fd, out_fd, err_fd, ready_fd, error_fd};
  for (int& fd : sources) {
    if (fd >= 0 && (fd = ::fcntl(fd, F_DUPFD_CLOEXEC, 10)) < 0) fail(errno);
  }
  error_fd = sources[4];
  for (int target = 0; target < 4; ++target) {
    if (sources[target] >= 0 && ::dup3(sources[target], target, 0) < 0) fail(errno);
  }
  if (::dup3(error_fd, 4, O_CLOEXEC) < 0) fail(errno);
  error_fd = 4;
  if (ready_fd < 0) ::close(3);
  if (::syscall(SYS_close_range, 5u, ~0u, 0u) != 0) {
    for (int fd = 5; fd < 65536; ++fd) ::close(fd);
  }
  ::execve(argv[0], argv, envp);
  fail(errno);
  ::_exit(127);
}

}  // namespace

absl::StatusOr<ChildProcess> ChildProcess::Spawn(const Options& options) {
  if (options.argv.empty()) return absl::InvalidArgumentError("empty argv");

  // Everything the child needs is prepared before fork: it must not allocate.
  std::vector<std::string> env = options.env;
  if (options.notify_fd) env.push_back("STIGMER_READY_FD=3");
  std::vector<char*> argv, envp;
  for (const std::string& arg : options.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  for (std::string& entry : env) envp.push_back(entry.data());
  envp.push_back(nullptr);

  UniqueFd null_fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!null_fd) return ErrnoToStatus("open /dev/null", errno);
  absl::StatusOr<Pipe> out = MakePipe(), err = MakePipe(), exec_error = MakePipe();
  if (!out.ok()) return out.status();
  if (!err.ok()) return err.status();
  if (!exec_error.ok()) return exec_error.status();
  Pipe ready;
  if (options.notify_fd) {
    absl::StatusOr<Pipe> made = MakePipe();
    if (!made.ok()) return made.status();
    ready = std::move(*made);
  }

  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return ErrnoToStatus("fork", errno);
  if (pid == 0) {
    ExecChild(parent, null_fd.get(), out->write.get(), err->write.get(), ready.write.get(),
              exec_error->write.get(), argv.data(), envp.data());
  }

  ChildProcess child;
  child.pid_ = pid;
  child.reaped_ = false;
  ::setpgid(pid, pid);  // also from here, so the group exists whoever runs first (may fail: ok)
  exec_error->write.Reset();
  out->write.Reset();
  err->write.Reset();
  ready.write.Reset();

  int child_errno = 0;
  ssize_t got;
  do {
    got = ::read(exec_error->read.get(), &child_errno, sizeof(child_errno));
  } while (got < 0 && errno == EINTR);
  if (got == sizeof(child_errno)) {
    child.KillAndReap();
    return ErrnoToStatus(absl::StrCat("cannot execute ", options.argv[0]), child_errno);
  }

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

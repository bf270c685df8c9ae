#include "common/process_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "common/errno_status.h"

namespace stigmer {
namespace {

// Everything the child needs, prepared before fork: it must not allocate.
struct ChildPlan {
  pid_t parent = 0;
  bool detached = false;
  int fds[4] = {-1, -1, -1, -1};  // become the child's 0, 1, 2, 3
  int error_fd = -1;              // close-on-exec: EOF tells the parent that exec succeeded
  int gate = -1;                  // when set: exec only once a byte comes through
  int gate_write = -1;            // the gate's other end, closed in the child
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  const char* working_dir = nullptr;
};

[[noreturn]] void ReportAndExit(int error_fd, int error_number) {
  [[maybe_unused]] ssize_t written = ::write(error_fd, &error_number, sizeof(error_number));
  ::_exit(127);
}

// Runs in the forked child: only async-signal-safe calls.
[[noreturn]] void RunChild(const ChildPlan& plan) {
  int error_fd = plan.error_fd;
  if (plan.detached) {
    // A session of its own, and a second fork so that init, not this process, reaps it.
    if (::setsid() < 0) ReportAndExit(error_fd, errno);
    const pid_t grandchild = ::_Fork();  // unlike fork(), runs no atfork handlers
    if (grandchild < 0) ReportAndExit(error_fd, errno);
    if (grandchild > 0) ::_exit(0);
  } else {
    if (::setpgid(0, 0) != 0) ReportAndExit(error_fd, errno);
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) ReportAndExit(error_fd, errno);
    if (::getppid() != plan.parent) ::_exit(127);  // the parent died before PDEATHSIG was armed
    if (plan.gate >= 0) {
      ::close(plan.gate_write);
      char go = 0;
      ssize_t got;
      do {
        got = ::read(plan.gate, &go, 1);
      } while (got < 0 && errno == EINTR);
      if (got != 1) ::_exit(127);  // the parent said no: it reaps us
    }
  }

  sigset_t empty;
  sigemptyset(&empty);
  ::sigprocmask(SIG_SETMASK, &empty, nullptr);
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (int signal_number = 1; signal_number < NSIG; ++signal_number) {
    ::sigaction(signal_number, &default_action, nullptr);  // fails harmlessly for KILL/STOP
  }

  // Move every source above the targets first, so that dup3 below cannot clobber one.
  int sources[5] = {plan.fds[0], plan.fds[1], plan.fds[2], plan.fds[3], error_fd};
  for (int& fd : sources) {
    if (fd >= 0 && (fd = ::fcntl(fd, F_DUPFD_CLOEXEC, 10)) < 0) ReportAndExit(error_fd, errno);
  }
  error_fd = sources[4];
  for (int target = 0; target < 4; ++target) {
    if (sources[target] >= 0 && ::dup3(sources[target], target, 0) < 0) {
      ReportAndExit(error_fd, errno);
    }
  }
  if (sources[3] < 0) ::close(3);
  // Nothing else of the parent's reaches the program (error_fd closes on exec too).
  if (::syscall(SYS_close_range, 4u, ~0u, CLOSE_RANGE_CLOEXEC) != 0) {
    for (int fd = 4; fd < 65536; ++fd) {
      if (fd != error_fd) ::close(fd);
    }
  }
  if (plan.working_dir != nullptr && ::chdir(plan.working_dir) != 0) {
    ReportAndExit(error_fd, errno);
  }
  ::execve(plan.argv[0], plan.argv, plan.envp);
  ReportAndExit(error_fd, errno);
}

// Blocks until the child wrote an errno (exec failed: returns it) or exec closed the pipe (0).
int ReadExecError(const UniqueFd& read_end) {
  int child_errno = 0;
  ssize_t got;
  do {
    got = ::read(read_end.get(), &child_errno, sizeof(child_errno));
  } while (got < 0 && errno == EINTR);
  return got == sizeof(child_errno) ? child_errno : 0;
}

std::vector<char*> CStrings(const std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (const std::string& text : strings) pointers.push_back(const_cast<char*>(text.c_str()));
  pointers.push_back(nullptr);
  return pointers;
}

void KillAndReap(pid_t pid) {
  ::kill(-pid, SIGKILL);
  ::kill(pid, SIGKILL);  // in case the group was never made
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

absl::StatusOr<Pipe> MakePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return ErrnoToStatus("pipe2", errno);
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

absl::StatusOr<pid_t> SpawnProcess(const SpawnPlan& plan,
                                   const std::function<absl::Status(pid_t)>& before_exec) {
  if (plan.argv.empty()) return absl::InvalidArgumentError("empty argv");
  if (!plan.working_dir.empty()) {
    std::error_code error;
    if (!std::filesystem::is_directory(plan.working_dir, error)) {
      return absl::FailedPreconditionError(
          absl::StrCat("the working folder ", plan.working_dir, " does not exist"));
    }
  }
  const bool gated = before_exec && plan.mode == SpawnPlan::Mode::kGroup;
  std::vector<char*> argv = CStrings(plan.argv), envp = CStrings(plan.env);
  absl::StatusOr<Pipe> exec_error = MakePipe();
  if (!exec_error.ok()) return exec_error.status();
  absl::StatusOr<Pipe> gate = gated ? MakePipe() : absl::StatusOr<Pipe>(Pipe{});
  if (!gate.ok()) return gate.status();

  ChildPlan child;
  child.parent = ::getpid();
  child.detached = plan.mode == SpawnPlan::Mode::kDetached;
  for (int i = 0; i < 3; ++i) child.fds[i] = plan.stdio[i];
  child.fds[3] = plan.fd3;
  child.error_fd = exec_error->write.get();
  child.gate = gate->read.get();
  child.gate_write = gate->write.get();
  child.argv = argv.data();
  child.envp = envp.data();
  if (!plan.working_dir.empty()) child.working_dir = plan.working_dir.c_str();

  const pid_t pid = ::fork();
  if (pid < 0) return ErrnoToStatus("fork", errno);
  if (pid == 0) RunChild(child);
  exec_error->write.Reset();

  if (child.detached) {
    const int child_errno = ReadExecError(exec_error->read);  // EOF once the grandchild exec'd
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    if (child_errno != 0) {
      return ErrnoToStatus(absl::StrCat("cannot execute ", plan.argv[0]), child_errno);
    }
    return 0;
  }

  ::setpgid(pid, pid);  // also from here, so the group exists whoever runs first (may fail: ok)
  if (gated) {
    gate->read.Reset();
    if (absl::Status allowed = before_exec(pid); !allowed.ok()) {
      KillAndReap(pid);
      return allowed;
    }
    const char go = 1;
    [[maybe_unused]] ssize_t written = ::write(gate->write.get(), &go, 1);
  }
  if (const int child_errno = ReadExecError(exec_error->read); child_errno != 0) {
    KillAndReap(pid);
    return ErrnoToStatus(absl::StrCat("cannot execute ", plan.argv[0]), child_errno);
  }
  return pid;
}

}  // namespace stigmer

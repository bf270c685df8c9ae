#include "workflow/shell_process.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/errno_status.h"
#include "workflow/shell_group_record.h"

namespace stigmer::workflow {
namespace {

struct Pipe {
  UniqueFd read, write;
};

absl::StatusOr<Pipe> MakePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return ErrnoToStatus("pipe2", errno);
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// Everything the child needs, prepared before fork: it must not allocate.
struct ChildPlan {
  pid_t parent = 0;
  bool detached = false;
  int stdio[3] = {-1, -1, -1};  // become the child's 0, 1, 2
  int error_fd = -1;            // close-on-exec: EOF tells the parent that exec succeeded
  int gate[2] = {-1, -1};       // when recording: exec only once a byte comes through
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
    // A session of its own, and a second fork so that init, not this worker, reaps it.
    if (::setsid() < 0) ReportAndExit(error_fd, errno);
    const pid_t grandchild = ::_Fork();  // unlike fork(), runs no atfork handlers
    if (grandchild < 0) ReportAndExit(error_fd, errno);
    if (grandchild > 0) ::_exit(0);
  } else {
    if (::setpgid(0, 0) != 0) ReportAndExit(error_fd, errno);
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) ReportAndExit(error_fd, errno);
    if (::getppid() != plan.parent) ::_exit(127);  // the parent died before PDEATHSIG was armed
    if (plan.gate[0] >= 0) {
      ::close(plan.gate[1]);
      char go = 0;
      ssize_t got;
      do {
        got = ::read(plan.gate[0], &go, 1);
      } while (got < 0 && errno == EINTR);
      if (got != 1) ::_exit(127);  // not recorded: the parent reaps us
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
  int sources[4] = {plan.stdio[0], plan.stdio[1], plan.stdio[2], error_fd};
  for (int& fd : sources) {
    if ((fd = ::fcntl(fd, F_DUPFD_CLOEXEC, 10)) < 0) ReportAndExit(error_fd, errno);
  }
  error_fd = sources[3];
  for (int target = 0; target < 3; ++target) {
    if (::dup3(sources[target], target, 0) < 0) ReportAndExit(error_fd, errno);
  }
  // Nothing else of the worker's reaches the command (error_fd closes on exec too).
  if (::syscall(SYS_close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC) != 0) {
    for (int fd = 3; fd < 65536; ++fd) {
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

// chdir in the child would fail as "cannot execute": say what is wrong instead.
absl::Status CheckWorkingDir(const ProcessOptions& options) {
  std::error_code error;
  if (options.working_dir.empty() || std::filesystem::is_directory(options.working_dir, error)) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(
      absl::StrCat("the working folder ", options.working_dir, " does not exist"));
}

}  // namespace

absl::StatusOr<ShellProcess> ShellProcess::Start(const ProcessOptions& options) {
  if (options.argv.empty()) return absl::InvalidArgumentError("empty argv");
  if (absl::Status folder = CheckWorkingDir(options); !folder.ok()) return folder;
  std::vector<char*> argv = CStrings(options.argv), envp = CStrings(options.env);
  absl::StatusOr<Pipe> in = MakePipe(), out = MakePipe(), err = MakePipe(), exec_error = MakePipe();
  absl::StatusOr<Pipe> gate = options.record_group ? MakePipe() : absl::StatusOr<Pipe>(Pipe{});
  for (const auto* made : {&in, &out, &err, &exec_error, &gate}) {
    if (!made->ok()) return made->status();
  }
  ChildPlan plan;
  plan.parent = ::getpid();
  plan.stdio[0] = in->read.get();
  plan.stdio[1] = out->write.get();
  plan.stdio[2] = err->write.get();
  plan.error_fd = exec_error->write.get();
  plan.gate[0] = gate->read.get();
  plan.gate[1] = gate->write.get();
  plan.argv = argv.data();
  plan.envp = envp.data();
  if (!options.working_dir.empty()) plan.working_dir = options.working_dir.c_str();

  const pid_t pid = ::fork();
  if (pid < 0) return ErrnoToStatus("fork", errno);
  if (pid == 0) RunChild(plan);

  ShellProcess process;
  process.pid_ = pid;
  process.reaped_ = false;
  ::setpgid(pid, pid);  // also from here, so the group exists whoever runs first (may fail: ok)
  in->read.Reset();
  out->write.Reset();
  err->write.Reset();
  exec_error->write.Reset();
  if (options.record_group) {
    gate->read.Reset();
    // Recorded before the command runs: it cannot leave a process the record misses.
    if (absl::Status recorded = RecordShellGroup(pid); !recorded.ok()) {
      process.KillGroupAndReap();
      return recorded;
    }
    process.recorded_ = true;
    const char go = 1;
    [[maybe_unused]] ssize_t written = ::write(gate->write.get(), &go, 1);
  }
  if (const int child_errno = ReadExecError(exec_error->read); child_errno != 0) {
    process.KillGroupAndReap();
    return ErrnoToStatus(absl::StrCat("cannot execute ", options.argv[0]), child_errno);
  }
  process.pidfd_.Reset(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
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
  if (options.argv.empty()) return absl::InvalidArgumentError("empty argv");
  if (absl::Status folder = CheckWorkingDir(options); !folder.ok()) return folder;
  std::vector<char*> argv = CStrings(options.argv), envp = CStrings(options.env);
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
  absl::StatusOr<Pipe> exec_error = MakePipe();
  if (!exec_error.ok()) return exec_error.status();
  ChildPlan plan;
  plan.parent = ::getpid();
  plan.detached = true;
  plan.stdio[0] = stdin_fd.get();
  plan.stdio[1] = null_out.get();
  plan.stdio[2] = null_out.get();
  plan.error_fd = exec_error->write.get();
  plan.argv = argv.data();
  plan.envp = envp.data();
  if (!options.working_dir.empty()) plan.working_dir = options.working_dir.c_str();

  const pid_t pid = ::fork();
  if (pid < 0) return ErrnoToStatus("fork", errno);
  if (pid == 0) RunChild(plan);
  exec_error->write.Reset();
  const int child_errno = ReadExecError(exec_error->read);  // EOF once the grandchild exec'd
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  if (child_errno != 0) {
    return ErrnoToStatus(absl::StrCat("cannot execute ", options.argv[0]), child_errno);
  }
  return absl::OkStatus();
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

}  // namespace stigmer::workflow

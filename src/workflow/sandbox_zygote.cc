#include "workflow/sandbox_zygote.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/errno_status.h"
#include "common/process_spawn.h"
#include "spdlog/spdlog.h"
#include "workflow/expression_sandbox_main.h"

namespace stigmer::workflow {
namespace {

struct StartRequest {
  uint64_t memory_bytes;
  uint64_t max_result_bytes;
};

struct StartReply {
  int32_t pid;    // > 0: the child's
  int32_t error;  // fork's errno when pid <= 0
};

constexpr size_t kRequestFds = 3;  // the child's stdin, its stdout, the zygote's status end

// One datagram on a SOCK_SEQPACKET socket, with `fds` attached.
bool SendWithFds(int socket, const void* data, size_t size, const int* fds, size_t count) {
  iovec part{const_cast<void*>(data), size};
  msghdr message{};
  message.msg_iov = &part;
  message.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kRequestFds)] = {};
  if (count > 0) {
    message.msg_control = control;
    message.msg_controllen = CMSG_SPACE(sizeof(int) * count);
    cmsghdr* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int) * count);
    std::memcpy(CMSG_DATA(header), fds, sizeof(int) * count);
  }
  ssize_t sent;
  do {
    sent = ::sendmsg(socket, &message, MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  return sent == static_cast<ssize_t>(size);
}

// One datagram of exactly `size` bytes; the descriptors that came with it, close-on-exec, in
// `fds`. False at end of stream or on anything else.
bool ReceiveWithFds(int socket, void* data, size_t size, std::vector<UniqueFd>& fds) {
  iovec part{data, size};
  msghdr message{};
  message.msg_iov = &part;
  message.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kRequestFds)] = {};
  message.msg_control = control;
  message.msg_controllen = sizeof(control);
  ssize_t received;
  do {
    received = ::recvmsg(socket, &message, MSG_CMSG_CLOEXEC);
  } while (received < 0 && errno == EINTR);
  for (cmsghdr* header = CMSG_FIRSTHDR(&message); header != nullptr;
       header = CMSG_NXTHDR(&message, header)) {
    if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
    const size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(header) + i * sizeof(int), sizeof(int));
      fds.emplace_back(fd);
    }
  }
  return received == static_cast<ssize_t>(size) && (message.msg_flags & MSG_CTRUNC) == 0;
}

bool SingleThreaded() {
  DIR* tasks = ::opendir("/proc/self/task");
  if (tasks == nullptr) return false;
  int count = 0;
  while (const dirent* entry = ::readdir(tasks)) {
    if (entry->d_name[0] != '.') ++count;
  }
  ::closedir(tasks);
  return count == 1;
}

// A child of the zygote: a sandbox from here on. Never returns.
[[noreturn]] void BecomeSandbox(pid_t zygote, const StartRequest& request,
                                const std::vector<UniqueFd>& fds) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != zygote) ::_exit(1);
  if (::dup2(fds[0].get(), STDIN_FILENO) < 0 || ::dup2(fds[1].get(), STDOUT_FILENO) < 0) {
    ::_exit(1);
  }
  ::close_range(STDERR_FILENO + 1, ~0U, 0);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  // _exit: the destructors and atexit handlers are workflow-runner's, not this process's.
  ::_exit(RunExpressionSandbox(request.memory_bytes, request.max_result_bytes));
}

struct ZygoteChild {
  pid_t pid;
  UniqueFd status;  // the zygote's end
  bool killed = false;
};

// Forks one sandbox for `request` and answers its pid on `control`.
void ServeRequest(int control, const StartRequest& request, std::vector<UniqueFd> fds,
                  std::vector<ZygoteChild>& children) {
  StartReply reply{0, EINVAL};
  if (fds.size() == kRequestFds) {
    const pid_t zygote = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) BecomeSandbox(zygote, request, fds);
    reply = pid > 0 ? StartReply{pid, 0} : StartReply{0, errno};
    if (pid > 0) children.push_back({pid, std::move(fds[2])});
  }
  SendWithFds(control, &reply, sizeof(reply), nullptr, 0);
}

void ReapChildren(std::vector<ZygoteChild>& children) {
  int status = 0;
  pid_t pid;
  while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
    for (auto it = children.begin(); it != children.end(); ++it) {
      if (it->pid != pid) continue;
      ::send(it->status.get(), &status, sizeof(status), MSG_NOSIGNAL | MSG_DONTWAIT);
      children.erase(it);
      break;
    }
  }
}

// The zygote's whole life: serves `control` until its other end closes, then kills its children.
[[noreturn]] void ServeZygote(pid_t parent, int control) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(0);
  // Only the socket and stdio stay open: nothing of what workflow-runner opens later is here.
  if (control != STDERR_FILENO + 1) {
    ::dup2(control, STDERR_FILENO + 1);
    control = STDERR_FILENO + 1;
  }
  ::close_range(control + 1, ~0U, 0);
  // The supervisor stops workflow-runner by signalling its process group, this one included:
  // the zygote and its sandboxes (which inherit this) end with workflow-runner instead, once it
  // has finished what it was doing.
  ::signal(SIGTERM, SIG_IGN);
  ::signal(SIGINT, SIG_IGN);
  sigset_t child_signal;
  sigemptyset(&child_signal);
  sigaddset(&child_signal, SIGCHLD);
  ::sigprocmask(SIG_BLOCK, &child_signal, nullptr);
  const int reaped = ::signalfd(-1, &child_signal, SFD_CLOEXEC | SFD_NONBLOCK);
  if (reaped < 0) ::_exit(1);

  std::vector<ZygoteChild> children;
  std::vector<pollfd> watched;
  for (;;) {
    watched.assign({{control, POLLIN, 0}, {reaped, POLLIN, 0}});
    for (const ZygoteChild& child : children) {
      // A closed status socket (POLLHUP) means: kill it. One already killed is only awaited.
      if (!child.killed) watched.push_back({child.status.get(), POLLIN, 0});
    }
    if (::poll(watched.data(), watched.size(), -1) < 0) {
      if (errno == EINTR) continue;
      ::_exit(1);
    }
    if (watched[1].revents != 0) {
      signalfd_siginfo info;
      while (::read(reaped, &info, sizeof(info)) == sizeof(info)) {
      }
      ReapChildren(children);
    }
    for (size_t i = 2; i < watched.size(); ++i) {
      if (watched[i].revents == 0) continue;
      for (ZygoteChild& child : children) {
        if (child.status.get() != watched[i].fd) continue;
        ::kill(child.pid, SIGKILL);  // not reaped yet: the pid is still this child's
        child.killed = true;
      }
    }
    if (watched[0].revents != 0) {
      StartRequest request;
      std::vector<UniqueFd> fds;
      if (!ReceiveWithFds(control, &request, sizeof(request), fds)) break;
      ServeRequest(control, request, std::move(fds), children);
    }
  }
  for (const ZygoteChild& child : children) ::kill(child.pid, SIGKILL);
  ::_exit(0);
}

// A sandbox forked by the zygote.
class ForkedChild final : public SandboxChild {
 public:
  ForkedChild(pid_t pid, UniqueFd request, UniqueFd answer, UniqueFd status)
      : pid_(pid),
        request_(std::move(request)),
        answer_(std::move(answer)),
        status_(std::move(status)) {}

  int request_fd() const override { return request_.get(); }
  int answer_fd() const override { return answer_.get(); }
  int exit_fd() const override { return status_.get(); }
  pid_t pid() const override { return pid_; }

  std::optional<activities::ProcessExit> PeekExit() override {
    if (exit_) return exit_;
    int status = 0;
    ssize_t got;
    do {
      got = ::recv(status_.get(), &status, sizeof(status), MSG_DONTWAIT);
    } while (got < 0 && errno == EINTR);
    if (got == sizeof(status)) {
      exit_ = WIFSIGNALED(status) ? activities::ProcessExit{true, WTERMSIG(status)}
                                  : activities::ProcessExit{false, WEXITSTATUS(status)};
    } else if (got == 0) {
      exit_ = activities::ProcessExit{true, SIGKILL};  // the zygote died, and the child with it
    }
    return exit_;
  }

 private:
  const pid_t pid_;
  UniqueFd request_, answer_, status_;  // closing status_ makes the zygote kill the child
  std::optional<activities::ProcessExit> exit_;
};

}  // namespace

absl::StatusOr<std::shared_ptr<SandboxZygote>> SandboxZygote::Fork(
    std::shared_ptr<SandboxLauncher> fallback) {
  if (!SingleThreaded()) {
    return absl::FailedPreconditionError(
        "the expression sandbox zygote must be forked before any thread starts");
  }
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ends) != 0) {
    return ErrnoToStatus("cannot create the expression sandbox zygote's socket", errno);
  }
  UniqueFd ours(ends[0]), theirs(ends[1]);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return ErrnoToStatus("cannot fork the expression sandbox zygote", errno);
  if (pid == 0) {
    ours.Reset();
    ServeZygote(parent, theirs.Release());
  }
  return std::make_shared<SandboxZygote>(Key{}, pid, std::move(ours), std::move(fallback));
}

SandboxZygote::SandboxZygote(Key, pid_t pid, UniqueFd control,
                             std::shared_ptr<SandboxLauncher> fallback)
    : pid_(pid), fallback_(std::move(fallback)), control_(std::move(control)) {}

SandboxZygote::~SandboxZygote() {
  {
    absl::MutexLock lock(&mutex_);
    control_.Reset();
  }
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
}

absl::StatusOr<std::unique_ptr<SandboxChild>> SandboxZygote::Start(size_t memory_bytes,
                                                                   size_t max_result_bytes) {
  {
    absl::MutexLock lock(&mutex_);
    if (control_.valid()) {
      absl::StatusOr<std::unique_ptr<SandboxChild>> child =
          StartInZygote(memory_bytes, max_result_bytes);
      if (!absl::IsUnavailable(child.status())) return child;
      spdlog::warn("{}; expression sandboxes are started as processes of their own from now on",
                   std::string(child.status().message()));
      control_.Reset();
    }
  }
  return fallback_->Start(memory_bytes, max_result_bytes);
}

absl::StatusOr<std::unique_ptr<SandboxChild>> SandboxZygote::StartInZygote(
    size_t memory_bytes, size_t max_result_bytes) {
  absl::StatusOr<Pipe> request = MakePipe();
  if (!request.ok()) return request.status();
  absl::StatusOr<Pipe> answer = MakePipe();
  if (!answer.ok()) return answer.status();
  int status_ends[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, status_ends) != 0) {
    return ErrnoToStatus("cannot create an expression sandbox's status socket", errno);
  }
  UniqueFd status(status_ends[0]), zygote_status(status_ends[1]);

  const StartRequest message{memory_bytes, max_result_bytes};
  const int fds[kRequestFds] = {request->read.get(), answer->write.get(), zygote_status.get()};
  StartReply reply{};
  std::vector<UniqueFd> none;
  if (!SendWithFds(control_.get(), &message, sizeof(message), fds, kRequestFds) ||
      !ReceiveWithFds(control_.get(), &reply, sizeof(reply), none)) {
    return absl::UnavailableError(
        absl::StrCat("the expression sandbox zygote (pid ", pid_, ") is gone"));
  }
  if (reply.pid <= 0) {
    return absl::ResourceExhaustedError(
        absl::StrCat("cannot fork an expression sandbox: ", std::strerror(reply.error)));
  }
  // Reads and writes are bounded by deadlines (sandbox_frames.h): our ends never block.
  ::fcntl(request->write.get(), F_SETFL, O_NONBLOCK);
  ::fcntl(answer->read.get(), F_SETFL, O_NONBLOCK);
  return std::make_unique<ForkedChild>(reply.pid, std::move(request->write),
                                       std::move(answer->read), std::move(status));
}

}  // namespace stigmer::workflow

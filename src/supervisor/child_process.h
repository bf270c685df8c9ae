#ifndef STIGMER_SUPERVISOR_CHILD_PROCESS_H_
#define STIGMER_SUPERVISOR_CHILD_PROCESS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/unique_fd.h"

namespace stigmer::supervisor {

// One spawned child, leader of its own process group. Move-only RAII: a ChildProcess that is
// destroyed before it was reaped SIGKILLs its group and waits for the leader (so no zombie and
// no orphan group is left behind).
//
// The child gets: its own process group (setpgid 0); PR_SET_PDEATHSIG SIGKILL (it dies with the
// thread that forked it — so fork from a thread that lives as long as the supervision); an empty
// signal mask and default dispositions; stdin /dev/null; stdout and stderr into pipes whose read
// ends the parent holds (non-blocking, close-on-exec); with `notify_fd`, fd 3 is the write end of
// a readiness pipe and "STIGMER_READY_FD=3" is appended to the environment; every other fd closed.
//
// Threads: not thread-safe; use from one thread.
class ChildProcess {
 public:
  struct Options {
    std::vector<std::string> argv;  // argv[0]: absolute path, executed without PATH search
    std::vector<std::string> env;   // whole environment, "K=V"
    bool notify_fd = false;
  };

  // Forks and execs. Returns once exec succeeded. Errors: InvalidArgument for an empty argv;
  // exec failure as its errno status, "cannot execute /path: No such file or directory"
  // (the failed child is reaped); pipe/fork errors likewise.
  static absl::StatusOr<ChildProcess> Spawn(const Options& options);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  pid_t pid() const { return pid_; }  // also the process group id
  bool reaped() const { return reaped_; }

  // Read ends, owned here; the caller may move them out.
  UniqueFd& stdout_pipe() { return stdout_; }
  UniqueFd& stderr_pipe() { return stderr_; }
  UniqueFd& ready_pipe() { return ready_; }  // invalid unless notify_fd

  // waitpid(WNOHANG): the wait status if the leader has exited (it is then reaped), else nullopt.
  std::optional<int> TryReap();

  // kill(-pgid, signal): the whole group, also after the leader was reaped (grandchildren).
  // Returns false if no process is left in the group (ESRCH).
  bool SignalGroup(int signal_number) const;

 private:
  ChildProcess() = default;
  void KillAndReap();

  pid_t pid_ = 0;
  bool reaped_ = true;
  UniqueFd stdout_, stderr_, ready_;
};

}  // namespace stigmer::supervisor

#endif  // STIGMER_SUPERVISOR_CHILD_PROCESS_H_

#ifndef STIGMER_ACTIVITIES_SHELL_PROCESS_H_
#define STIGMER_ACTIVITIES_SHELL_PROCESS_H_

// The process behind a `run: shell` task: spawned from a multi-threaded worker, so everything
// the child needs is prepared before fork and the child makes only async-signal-safe calls
// until it execs.

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/unique_fd.h"

namespace stigmer::activities {

// How a process ended.
struct ProcessExit {
  bool signaled = false;  // killed by signal `value`, else exited with code `value`
  int value = 0;
};

struct ProcessOptions {
  std::vector<std::string> argv;  // argv[0]: an absolute path, executed without PATH search
  std::vector<std::string> env;   // the whole environment, "NAME=value"
  std::string working_dir;        // empty: the worker's own
  // Start: the group is in this worker's record (shell_group_record.h) from before the command
  // runs until it is reaped, so that the next worker kills it if this one is SIGKILLed.
  bool record_group = false;
};

// One child that leads its own process group, with its stdin, stdout and stderr on pipes whose
// other ends (non-blocking, close-on-exec) the parent holds. The child also gets an empty signal
// mask, default signal dispositions, PR_SET_PDEATHSIG SIGKILL (it dies with the thread that
// started it: start it from the thread that waits for it) and no other file descriptor.
//
// Move-only RAII: destroying one that was not reaped SIGKILLs its group and reaps the leader.
// Not thread-safe: use from one thread.
class ShellProcess {
 public:
  // Forks and execs; returns once exec succeeded. Errors: exec's errno as a status ("cannot
  // execute /bin/sh: ..."), pipe, fork and pidfd_open failures likewise, and failing to record
  // the group (nothing of the command has run then).
  static absl::StatusOr<ShellProcess> Start(const ProcessOptions& options);

  // Starts a process that nobody waits for: in a session of its own, reparented to init (the
  // intermediate child is reaped here), stdout and stderr on /dev/null, stdin holding `input`
  // (/dev/null when empty). Returns once exec succeeded. InvalidArgument when `input` does not
  // fit in a pipe's buffer (it is written before the process starts).
  static absl::Status StartDetached(const ProcessOptions& options, const std::string& input);

  ShellProcess(ShellProcess&& other) noexcept;
  ShellProcess& operator=(ShellProcess&& other) noexcept;
  ShellProcess(const ShellProcess&) = delete;
  ShellProcess& operator=(const ShellProcess&) = delete;
  ~ShellProcess();

  pid_t pid() const { return pid_; }  // also the process group id

  // The parent's ends; the caller may close or move them.
  UniqueFd& stdin_pipe() { return stdin_; }
  UniqueFd& stdout_pipe() { return stdout_; }
  UniqueFd& stderr_pipe() { return stderr_; }

  // A pidfd: readable once the leader has exited.
  int exit_fd() const { return pidfd_.get(); }

  // How the leader ended, once it has; nullopt while it runs. Does not reap: the leader stays a
  // zombie, so its process group id cannot be reused before KillGroupAndReap().
  std::optional<ProcessExit> PeekExit();

  // kill(-pgid, signal_number).
  void SignalGroup(int signal_number) const;

  // SIGKILLs whatever is left of the group, then reaps the leader. Idempotent.
  void KillGroupAndReap();

 private:
  ShellProcess() = default;

  pid_t pid_ = 0;
  bool reaped_ = true;
  bool recorded_ = false;
  UniqueFd pidfd_, stdin_, stdout_, stderr_;
};

}  // namespace stigmer::activities

#endif  // STIGMER_ACTIVITIES_SHELL_PROCESS_H_

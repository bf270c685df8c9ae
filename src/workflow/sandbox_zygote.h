#ifndef STIGMER_WORKFLOW_SANDBOX_ZYGOTE_H_
#define STIGMER_WORKFLOW_SANDBOX_ZYGOTE_H_

// Expression sandboxes forked, not exec'd. An exec'd sandbox maps and relocates the binary's 92
// libraries and runs their initialisers again: about 6 MiB of memory of its own per child. A
// zygote, forked from workflow-runner before any thread or secret exists, forks each sandbox
// instead, so every sandbox shares those pages with the zygote and with workflow-runner and
// owns only what it writes.
//
// The zygote is one thread serving one socket: a request carries the new child's stdin and
// stdout pipe ends and one end of a status socket; the zygote forks, answers the child's pid,
// and writes the child's wait status on that socket once it has reaped it. Closing the status
// socket's other end kills the child. The zygote dies with the process that forked it, and each
// child with the zygote (PR_SET_PDEATHSIG); a zygote that is gone is replaced by exec'd children.

#include <sys/types.h>

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/unique_fd.h"
#include "workflow/sandbox_launcher.h"

namespace stigmer::workflow {

class SandboxZygote final : public SandboxLauncher {
  struct Key {};  // only Fork makes one

 public:
  // Forks the zygote. FailedPrecondition when this process already runs more than one thread
  // (a fork then could copy a lock another thread held). `fallback` starts the children once
  // the zygote is gone.
  static absl::StatusOr<std::shared_ptr<SandboxZygote>> Fork(
      std::shared_ptr<SandboxLauncher> fallback);

  SandboxZygote(Key, pid_t pid, UniqueFd control, std::shared_ptr<SandboxLauncher> fallback);
  SandboxZygote(const SandboxZygote&) = delete;
  SandboxZygote& operator=(const SandboxZygote&) = delete;
  // Closes the socket (the zygote kills its children and exits) and reaps the zygote.
  ~SandboxZygote() override;

  absl::StatusOr<std::unique_ptr<SandboxChild>> Start(size_t memory_bytes,
                                                      size_t max_result_bytes) override;

  pid_t pid() const { return pid_; }

 private:
  // One request to the zygote; Unavailable when it is gone.
  absl::StatusOr<std::unique_ptr<SandboxChild>> StartInZygote(size_t memory_bytes,
                                                              size_t max_result_bytes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const pid_t pid_;
  const std::shared_ptr<SandboxLauncher> fallback_;
  absl::Mutex mutex_;
  UniqueFd control_ ABSL_GUARDED_BY(mutex_);  // invalid once the zygote is gone
};

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_SANDBOX_ZYGOTE_H_

#ifndef STIGMER_WORKFLOW_SANDBOX_LAUNCHER_H_
#define STIGMER_WORKFLOW_SANDBOX_LAUNCHER_H_

// How an ExpressionSandbox gets its child: a process that answers sandbox_frames.h requests on
// its stdin and stdout (RunExpressionSandbox). Two ways: exec the stigmer binary's `internal
// expression-sandbox` (ExecSandboxLauncher), or fork it from a zygote (sandbox_zygote.h).

#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "activities/shell_process.h"

namespace stigmer::workflow {

// One running sandbox child. Destroying it kills the child.
class SandboxChild {
 public:
  virtual ~SandboxChild() = default;

  virtual int request_fd() const = 0;  // the child's stdin
  virtual int answer_fd() const = 0;   // the child's stdout
  // Readable once the child has ended.
  virtual int exit_fd() const = 0;
  // How the child ended, once it has; nullopt while it runs.
  virtual std::optional<activities::ProcessExit> PeekExit() = 0;
  virtual pid_t pid() const = 0;
};

class SandboxLauncher {
 public:
  virtual ~SandboxLauncher() = default;

  // A new child whose heap is bounded to `memory_bytes` and whose results to
  // `max_result_bytes`. Thread-safe.
  virtual absl::StatusOr<std::unique_ptr<SandboxChild>> Start(size_t memory_bytes,
                                                              size_t max_result_bytes) = 0;
};

// Each child a new process of `binary` (the stigmer executable), with this process's
// environment. Its pages are its own: the binary and its libraries are mapped and relocated
// again in every child.
std::shared_ptr<SandboxLauncher> ExecSandboxLauncher(std::string binary);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_SANDBOX_LAUNCHER_H_

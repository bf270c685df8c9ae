#ifndef STIGMER_WORKFLOW_EXPRESSION_SANDBOX_H_
#define STIGMER_WORKFLOW_EXPRESSION_SANDBOX_H_

// Runtime expressions come from users' documents: `${ def f: f; f }` never ends and
// `${ [range(1e12)] }` never stops allocating. libjq cannot be interrupted, so workflow-runner
// evaluates them in a child process (`stigmer internal expression-sandbox`, or one forked from a
// zygote: sandbox_zygote.h) that it can kill: one child per sandbox, reused for every
// evaluation, started again after it was killed. Each evaluation is bounded in time, in memory and
// in the size of its result, and a bound that is hit fails only that evaluation.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/time/time.h"
#include "workflow/jq_runner.h"
#include "workflow/sandbox_frames.h"
#include "workflow/sandbox_launcher.h"

namespace stigmer::workflow {

struct ExpressionLimits {
  // One evaluation, from the request written to the result read (STIGMER_EXPRESSION_TIMEOUT_MS).
  absl::Duration timeout = absl::Seconds(2);
  // The sandbox's heap (RLIMIT_DATA), in which libjq holds every value
  // (STIGMER_EXPRESSION_MEMORY_MB).
  size_t memory_bytes = size_t{256} << 20;
  // One result's JSON text: no bigger than Temporal takes in one payload.
  size_t max_result_bytes = size_t{2} << 20;
};

// A JqRunner whose programs run in a child process. Errors of Run, beyond JqRunner's:
//   - ResourceExhausted "stopped after 2 s, the limit for one expression
//     (STIGMER_EXPRESSION_TIMEOUT_MS)": the child was killed; the next Run starts a new one;
//   - ResourceExhausted "stopped at the 256 MiB memory limit for expressions
//     (STIGMER_EXPRESSION_MEMORY_MB)": the child died of it;
//   - ResourceExhausted "stopped: the expressions of one workflow task may take 5s together":
//     see set_task_deadline;
//   - Unavailable when the child cannot be started, or ended for no reason of the expression's
//     twice in a row (a child lost once, e.g. killed from outside, is replaced silently).
// The child is SIGKILLed when the sandbox is destroyed; an exec'd one also when the thread that
// started it ends (PR_SET_PDEATHSIG): use a sandbox from long-lived threads. Not thread-safe.
class ExpressionSandbox final : public JqRunner {
 public:
  // Children from `launcher` (sandbox_launcher.h, sandbox_zygote.h).
  ExpressionSandbox(std::shared_ptr<SandboxLauncher> launcher, ExpressionLimits limits);
  // Children exec'd from `binary`, the stigmer executable.
  ExpressionSandbox(std::string binary, ExpressionLimits limits)
      : ExpressionSandbox(ExecSandboxLauncher(std::move(binary)), limits) {}

  absl::StatusOr<std::optional<std::string>> Run(const std::string& program,
                                                 const std::string& input_json) override;
  absl::Status CheckSchema(const std::string& schema_json, const std::string& value_json) override;

  // Evaluations end no later than `deadline`, the end of the current workflow task's `budget`
  // for expressions; absl::InfiniteFuture() lifts it.
  void set_task_deadline(absl::Time deadline, absl::Duration budget) {
    deadline_ = deadline;
    task_budget_ = budget;
  }

  // The last Unavailable error since the previous call, if any: the sandbox itself failed, so a
  // workflow task that saw it must not be answered as if the expression had.
  std::optional<absl::Status> TakeFailure() { return std::exchange(failure_, std::nullopt); }

  // The child's pid, 0 when none runs (tests).
  pid_t child_pid() const { return child_ ? child_->pid() : 0; }

 private:
  // One request of `kind` (see sandbox_frames.h), in a new child when the last one was lost.
  absl::StatusOr<std::optional<std::string>> Ask(SandboxRequest kind, const std::string& program,
                                                 const std::string& input_json);
  absl::StatusOr<std::optional<std::string>> AskOnce(SandboxRequest kind,
                                                     const std::string& program,
                                                     const std::string& input_json);
  absl::Status EnsureChild();
  // Why the child is gone, once it is, answering a request of `kind`; `killed`: we killed it at
  // the deadline.
  absl::Status ChildEnded(SandboxRequest kind, bool killed, bool task_deadline);

  const std::shared_ptr<SandboxLauncher> launcher_;
  const ExpressionLimits limits_;
  absl::Time deadline_ = absl::InfiniteFuture();
  absl::Duration task_budget_ = absl::InfiniteDuration();
  std::unique_ptr<SandboxChild> child_;
  std::optional<absl::Status> failure_;
};

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_EXPRESSION_SANDBOX_H_

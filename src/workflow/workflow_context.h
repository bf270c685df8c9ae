#ifndef STIGMER_WORKFLOW_WORKFLOW_CONTEXT_H_
#define STIGMER_WORKFLOW_WORKFLOW_CONTEXT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "workflow/task_errors.h"

namespace stigmer::workflow {

// What a side effect came to.
struct ActivityOutcome {
  enum class State {
    kPending,    // not in history yet: the worker emits a command, the interpreter suspends
    kCompleted,  // `output` holds the recorded result
    kFailed,     // `error` holds the recorded DSL error (its instance is set by the interpreter)
  };
  State state = State::kPending;
  nlohmann::json output;
  WorkflowError error;

  static ActivityOutcome Pending() { return {}; }
  static ActivityOutcome Completed(nlohmann::json output) {
    return {State::kCompleted, std::move(output), {}};
  }
  static ActivityOutcome Failed(WorkflowError error) {
    return {State::kFailed, nullptr, std::move(error)};
  }
};

// Everything the interpreter needs that is not pure. The Temporal worker implements it by
// deterministic replay: the interpreter is re-run from the start on every workflow task, and
// makes the same calls in the same order as long as the definition, the input and the results
// it is given are the same.
//
// Contract for implementations:
// - Every side effect (CallActivity, Sleep, TaskFinished) takes the next sequence number, in
//   call order, starting at 1 for each run of the interpreter. A call whose sequence number is
//   in history must match the recorded step (kind for activities, a timer for Sleep, a marker
//   for TaskFinished); a mismatch is a non-deterministic definition and is returned as
//   FailedPrecondition, which the interpreter passes up unchanged (it does not turn context
//   errors into DSL errors).
// - Now() and Random() return values that history determines (e.g. the workflow task's start
//   time and a seed recorded at the start), never the clock or the OS's randomness.
// - A non-OK status means the run cannot go on (non-determinism, a broken history); the
//   interpreter stops at once and returns it.
// Not thread-safe: one interpreter run uses a context at a time.
class WorkflowContext {
 public:
  virtual ~WorkflowContext() = default;

  // Workflow time.
  virtual absl::Time Now() = 0;
  // Deterministic randomness.
  virtual uint64_t Random() = 0;

  // Runs side effect `kind` ("http" or "shell") with `input` (see interpreter.h for its shape).
  virtual absl::StatusOr<ActivityOutcome> CallActivity(const std::string& kind,
                                                       const nlohmann::json& input) = 0;

  // A durable timer of `duration`: true once it has fired, false while it is pending (the
  // interpreter suspends).
  virtual absl::StatusOr<bool> Sleep(absl::Duration duration) = 0;

  // Records that the task at `path` (a JSON pointer such as "/do/0/greet") named `name`
  // finished with the transformed `output`. A marker: it never suspends.
  virtual absl::Status TaskFinished(const std::string& path, const std::string& name,
                                    const nlohmann::json& output) = 0;
};

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_WORKFLOW_CONTEXT_H_

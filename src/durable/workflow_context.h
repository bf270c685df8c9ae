#ifndef STIGMER_DURABLE_WORKFLOW_CONTEXT_H_
#define STIGMER_DURABLE_WORKFLOW_CONTEXT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "durable/workflow_error.h"
#include "nlohmann/json.hpp"

namespace stigmer::durable {

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

// A child workflow to start: a run of its own, with its own history, whose result the parent
// awaits (see WorkflowContext::CallChildWorkflow).
struct ChildWorkflow {
  std::string workflow_type;          // "StigmerAgent", ...
  std::string task_queue;             // where its workflow tasks go ("stigmer-agents")
  std::vector<nlohmann::json> input;  // its input payloads, one JSON value each
  // false: the parent does not await it (`await: false`): CallChildWorkflow completes (output
  // null) once the child has started, and the child outlives the parent (ABANDON).
  bool await_result = true;
};

// How a task ended, as its marker records it.
struct TaskEnd {
  enum class State {
    kCompleted,  // `output` holds the transformed output
    kFailed,     // `error` holds the error it raised (its own, or one of a task inside it)
    kCancelled,  // it was in progress when the execution was cancelled
  };
  State state = State::kCompleted;
  nlohmann::json output;
  WorkflowError error;
  // The task markers recorded inside it (its subtasks', theirs…) while it ran: where the
  // projection lists it, before them, so that tasks are listed in the order they started.
  size_t descendants = 0;
};

// Everything the interpreter needs that is not pure. The Temporal worker implements it by
// deterministic replay: the interpreter is re-run from the start on every workflow task, and
// makes the same calls in the same order as long as the definition, the input and the results
// it is given are the same.
//
// Contract for implementations:
// - Side effects are keyed by the task path they belong to (a JSON pointer such as
//   "/do/1/fetch") and the occurrence of that path in the run: the n-th call for a path is
//   step "<path>#<n>" (a loop or a retry calls the same path again). A step already in history
//   must match the recorded one (an activity of the same kind, a timer, a marker); a mismatch,
//   or a step in history that the run never reaches again, is a non-deterministic definition,
//   returned as FailedPrecondition, which the interpreter passes up unchanged (it does not turn
//   context errors into DSL errors).
// - Calls for different paths may interleave (fork branches run one after the other on every
//   replay, each as far as history lets it).
// - A step not in history becomes a new command, buffered in call order; CommandMark() and
//   DropCommands() let a fork discard what the branches that did not decide it asked for
//   (the range of any branch, not only the last: see DropCommands).
// - Time is logical: Clock() is the point of history the run has reached (it advances when the
//   run consumes a result that history recorded later than that point), Now() is the workflow
//   time at that point, never the wall clock. A fork runs each branch from the same clock and
//   then sets the clock to where the winning (or last) branch ended.
// - Random() returns values that history determines, never the OS's randomness.
// - A non-OK status means the run cannot go on (non-determinism, a broken history); the
//   interpreter stops at once and returns it.
// Not thread-safe: one interpreter run uses a context at a time.
class WorkflowContext {
 public:
  virtual ~WorkflowContext() = default;

  // Workflow time at Clock().
  virtual absl::Time Now() = 0;
  // Deterministic randomness.
  virtual uint64_t Random() = 0;

  // Runs side effect `kind` ("http" or "shell") for the task at `path` with `input` (see
  // interpreter.h for its shape).
  virtual absl::StatusOr<ActivityOutcome> CallActivity(const std::string& path,
                                                       const std::string& kind,
                                                       const nlohmann::json& input) = 0;

  // Starts `child` for the step at `path` and awaits its result: Pending until history holds
  // it, then Completed with the first payload of the child's result, or Failed with the
  // child's error (its uncaught error as the child recorded it; "Task cancelled", "Task timed
  // out", a terminated child or one that could not start, as runtime errors saying so). The
  // child's workflow id is deterministic: the parent's id followed by the step ("<parent
  // id><path>#<n>"), so a replay finds the same child; a step recorded as another kind, or a
  // child of another type, is non-determinism. A child still running when the parent closes
  // (completes, fails, is cancelled) is asked to cancel (parent close policy REQUEST_CANCEL);
  // CancelPending asks it at once. A child not awaited (await_result false) is Completed with
  // null once it has started (Failed if it could not start) and is left running (ABANDON).
  virtual absl::StatusOr<ActivityOutcome> CallChildWorkflow(const std::string& path,
                                                            const ChildWorkflow& child) = 0;

  // A durable timer of `duration` for the task at `path`: true once it has fired, false while
  // it is pending (the interpreter suspends).
  virtual absl::StatusOr<bool> Sleep(const std::string& path, absl::Duration duration) = 0;

  // Records that the task at `path` named `name`, started at `started_at` (workflow time),
  // ended as `end` says. A marker: it never suspends.
  virtual absl::Status TaskEnded(const std::string& path, const std::string& name,
                                 absl::Time started_at, const TaskEnd& end) = 0;

  // Waits for a signal (a person's approval, another program's word). When the wait begins, a
  // marker named `name` is recorded at `path` (a step of the path's marker occurrences, shared
  // with TaskEnded) with `details` (a JSON object; "path" and "step" are added) under
  // kMarkerDetailsKey. The answer is the payload of the first signal named `name`, oldest
  // first, that arrived after that marker, that no earlier AwaitSignal of the run took, and that
  // `matches` accepts (given its payload; null when it had none or it could not be read); the
  // clock advances to where the run saw it, as for an activity's result. nullopt while history
  // holds none: the program suspends, and a signal starts a new workflow task. Deterministic:
  // the marker and the signals are in history and waits take signals in call order. A signal
  // that arrived before the wait began is never its answer; a marker of another name at that
  // step is non-determinism. A wait whose `details` hold kContinuesWaitKey: true continues the
  // previous one at `path` (one listen taking its next event): a signal that arrived after the
  // marker of the first wait it continues may be its answer too, at once when history holds one
  // (its marker is recorded all the same), so whoever signals need not send again what came
  // between the two markers.
  virtual absl::StatusOr<std::optional<nlohmann::json>> AwaitSignal(
      const std::string& path, const std::string& name, const nlohmann::json& details,
      const std::function<bool(const nlohmann::json&)>& matches) = 0;

  // The task markers recorded so far in this run: the ones history holds that the run reached,
  // and the new ones buffered and not dropped.
  virtual size_t TasksRecorded() const = 0;

  // True when the execution was asked to stop: the interpreter records every task still in
  // progress as cancelled (the worker then cancels the run).
  virtual bool CancelRequested() const = 0;

  // The logical clock (see above). Starts at 0.
  virtual int64_t Clock() const = 0;
  virtual void SetClock(int64_t clock) = 0;

  // The number of new commands buffered so far, and dropping those buffered after a mark.
  virtual size_t CommandMark() const = 0;
  virtual void DropCommandsSince(size_t mark) = 0;
  // Drops the new commands buffered at positions [begin, end) (marks CommandMark() gave),
  // keeping those before and after, in order: a fork drops the ranges of several branches, so
  // a range is often in the middle of the buffer.
  virtual void DropCommands(size_t begin, size_t end) = 0;

  // The number of steps found in flight so far (recorded in history, not ended: an activity
  // running, a timer not fired), and cancelling those found at positions [begin, end): a fork
  // stops what the branches that did not decide it still have in flight. Cancelling is
  // best-effort and asked for once: an activity gets a cancel request (it stops at its next
  // heartbeat), a timer is cancelled, a child
  // workflow that started gets a cancel request.
  virtual size_t PendingMark() const = 0;
  virtual void CancelPending(size_t begin, size_t end) = 0;
};

}  // namespace stigmer::durable

#endif  // STIGMER_DURABLE_WORKFLOW_CONTEXT_H_

// A task's `timeout` and a retry's `limit.attempt.duration`: a durable timer raced against the
// steps it bounds, decided on the logical clock as a `fork` with `compete` is (task_fork.cc), so
// that replay decides it the same way every time. `call: http` and `run: shell` pass their
// timeout to their activity instead, which stops the request or the command itself.

#include <algorithm>
#include <functional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "workflow/dsl_timeout.h"
#include "workflow/json_pointer.h"
#include "workflow/task_runner.h"

namespace stigmer::workflow {
namespace {

bool TimeoutGoesToItsActivity(const nlohmann::ordered_json& task) {
  auto call = task.find("call");
  if (call != task.end()) return *call == "http";
  auto run = task.find("run");
  return run != task.end() && run->is_object() && run->contains("shell");
}

}  // namespace

absl::StatusOr<TaskOutcome> TaskRunner::RunTaskBodyWithinTimeout(const nlohmann::ordered_json& task,
                                                                 const std::string& path,
                                                                 const nlohmann::json& input,
                                                                 ExpressionVariables& variables,
                                                                 const Scope& scope) {
  const std::optional<absl::Duration> after = TimeoutAfter(document_.json, task);
  if (!after || TimeoutGoesToItsActivity(task)) {
    return RunTaskBody(task, path, input, variables, scope);
  }
  return RaceTimer(
      JsonPointerAppend(path, "timeout"), *after,
      durable::StandardError("timeout", "Task timed out",
                             absl::StrCat("the task did not finish within its timeout of ",
                                          absl::FormatDuration(*after)),
                             path),
      [&] { return RunTaskBody(task, path, input, variables, scope); });
}

absl::StatusOr<TaskOutcome> TaskRunner::RaceTimer(
    const std::string& timer_path, absl::Duration after, durable::WorkflowError late,
    const std::function<absl::StatusOr<TaskOutcome>()>& body) {
  const int64_t start_clock = context_.Clock();
  const nlohmann::json start_context = context_data_;
  const size_t body_commands = context_.CommandMark();
  const size_t body_pending = context_.PendingMark();
  absl::StatusOr<TaskOutcome> outcome = body();
  if (!outcome.ok()) return outcome;
  const int64_t body_end = context_.Clock();

  context_.SetClock(start_clock);
  const size_t timer_commands = context_.CommandMark();
  const size_t timer_pending = context_.PendingMark();
  absl::StatusOr<bool> fired = context_.Sleep(timer_path, after);
  if (!fired.ok()) return fired.status();
  const int64_t timer_end = context_.Clock();

  const bool body_ended = outcome->kind != TaskOutcome::Kind::kSuspended;
  if (body_ended && (!*fired || body_end <= timer_end)) {
    context_.DropCommandsSince(timer_commands);
    context_.CancelPending(timer_pending, context_.PendingMark());
    context_.SetClock(body_end);
    return outcome;
  }
  if (*fired) {
    context_.DropCommands(body_commands, timer_commands);
    context_.CancelPending(body_pending, timer_pending);
    context_data_ = start_context;
    return TaskOutcome::Raised(std::move(late));
  }
  context_.SetClock(std::max(body_end, timer_end));
  return TaskOutcome::Suspended();
}

}  // namespace stigmer::workflow

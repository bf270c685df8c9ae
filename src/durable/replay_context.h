#ifndef STIGMER_DURABLE_REPLAY_CONTEXT_H_
#define STIGMER_DURABLE_REPLAY_CONTEXT_H_

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "durable/replay_history.h"
#include "durable/workflow_context.h"
#include "temporal/api/command/v1/message.pb.h"

namespace stigmer::durable {

using Command = ::temporal::api::command::v1::Command;

// A cancel request for the activity scheduled at `scheduled_event_id`, and the cancellation of
// timer `timer_id`.
Command RequestCancelActivityCommand(int64_t scheduled_event_id);
Command CancelTimerCommand(const std::string& timer_id);

// Where activities of one type are scheduled, how long one attempt may run and how many
// attempts it gets. An empty queue, a zero duration or zero attempts keeps CommandOptions' own.
struct ActivityKindOptions {
  std::string task_queue;
  absl::Duration start_to_close;
  int max_attempts = 0;
};

// How the commands for new steps are built.
struct CommandOptions {
  std::string task_queue = "stigmer-workflows";  // where activities are scheduled
  // One attempt of an activity may run this long.
  absl::Duration activity_start_to_close = absl::Hours(1);
  // By activity type: its own task queue, attempt length and attempts instead of the defaults;
  // a step whose input holds "max_attempts" (a positive number) gets that many. None of these is
  // compared when replaying, so histories recorded before a change still replay.
  std::map<std::string, ActivityKindOptions> activity_kinds;
  // An attempt that stops heartbeating for this long (its worker died) is retried.
  absl::Duration activity_heartbeat_timeout = absl::Seconds(10);
  // Attempts per activity. A DSL failure is never retried by Temporal (it is marked
  // non-retryable; retrying is the workflow's business, `catch.retry`): only lost attempts are.
  int activity_max_attempts = 3;
};

// The WorkflowContext of one replay: answers the interpreter from a ReplayHistory and buffers a
// command for every step history does not hold yet (see workflow_context.h for the contract).
// Steps are matched by kind and id (StepId); an activity recorded with another type, or a step
// in history that the run never reached (CheckAllStepsReached), is non-determinism:
// FailedPrecondition naming the step. Not thread-safe.
class ReplayContext final : public WorkflowContext {
 public:
  // `history` must outlive the context; `workflow_id` is the run's, from which its children's
  // ids are derived.
  ReplayContext(const ReplayHistory& history, CommandOptions options, std::string workflow_id = "");

  absl::Time Now() override;
  uint64_t Random() override;
  absl::StatusOr<ActivityOutcome> CallActivity(const std::string& path, const std::string& kind,
                                               const nlohmann::json& input) override;
  absl::StatusOr<ActivityOutcome> CallChildWorkflow(const std::string& path,
                                                    const ChildWorkflow& child) override;
  absl::StatusOr<bool> Sleep(const std::string& path, absl::Duration duration) override;
  absl::Status TaskEnded(const std::string& path, const std::string& name, absl::Time started_at,
                         const TaskEnd& end) override;
  absl::StatusOr<std::optional<nlohmann::json>> AwaitSignal(
      const std::string& path, const std::string& name, const nlohmann::json& details,
      const std::function<bool(const nlohmann::json&)>& matches) override;
  size_t TasksRecorded() const override;
  bool CancelRequested() const override { return cancel_requested_; }
  int64_t Clock() const override { return clock_; }
  void SetClock(int64_t clock) override { clock_ = clock; }
  size_t CommandMark() const override { return commands_.size(); }
  size_t PendingMark() const override { return in_flight_.size(); }
  void CancelPending(size_t begin, size_t end) override;
  void DropCommandsSince(size_t mark) override;
  void DropCommands(size_t begin, size_t end) override;

  // OK when the run consumed every step history holds; FailedPrecondition naming the earliest
  // step it did not reach otherwise.
  absl::Status CheckAllStepsReached() const;

  // The new commands, in call order, then the cancellations CancelPending asked for.
  std::vector<Command> TakeCommands();

  // What the run is waiting on, one line per step ("/do/1/fetch: http activity"): the answer
  // to the stack-trace query.
  const std::vector<std::string>& waiting_on() const { return waiting_on_; }

  // True when the run waits on a step history already holds (an activity or a timer asked for
  // in an earlier workflow task that has not ended).
  bool waits_on_recorded_step() const { return waits_on_recorded_step_; }

 private:
  void Consume(const RecordedStep& step);
  // What a recorded activity or child workflow came to, consuming it; a pending one is noted
  // in flight, waited on as `waiting` says.
  ActivityOutcome Outcome(const RecordedStep& step, std::string waiting);
  Command ScheduleActivity(const std::string& id, const std::string& path, const std::string& kind,
                           const nlohmann::json& input) const;

  const ReplayHistory& history_;
  const CommandOptions options_;
  const std::string workflow_id_;
  int64_t clock_ = 0;
  uint64_t random_state_;
  std::map<std::string, int> activity_calls_, timer_calls_, marker_calls_,
      child_calls_;  // per path
  std::set<std::pair<RecordedStep::Kind, std::string>> consumed_;
  std::set<size_t> signals_taken_;  // indexes into history_.signals()
  // Per path, the step of the last AwaitSignal that did not continue an earlier one.
  std::map<std::string, int> wait_started_;
  std::vector<Command> commands_;
  std::vector<const RecordedStep*> in_flight_;  // recorded steps found pending, in call order
  std::vector<Command> cancellations_;          // not subject to DropCommands
  std::set<std::string> cancelled_;             // "<kind>:<id>" of the steps cancelled
  std::vector<std::string> waiting_on_;
  bool waits_on_recorded_step_ = false;
  size_t markers_consumed_ = 0;  // task markers found in history
  size_t markers_buffered_ = 0;  // task markers in commands_
  const bool cancel_requested_;
};

}  // namespace stigmer::durable

#endif  // STIGMER_DURABLE_REPLAY_CONTEXT_H_

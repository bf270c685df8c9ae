#ifndef STIGMER_WORKFLOW_SCHEDULE_AFTER_RUN_H_
#define STIGMER_WORKFLOW_SCHEDULE_AFTER_RUN_H_

// `schedule.after` (dsl_schedule.h): run the workflow again that long after each run ends.
// Temporal Schedules have no such policy, so stigmer-server starts a driver: a ServerlessWorkflow
// run (workflow id "wfl-<name>") whose runtime payload holds kScheduleAfterKey. Each of its runs
// is one round: it starts the workflow as a child ("wfl-<name>/runs/<round>#1", the payloads a
// run of it with input {} gets, awaited whether it completes or fails), waits `after` on a
// durable timer, and continues as new with the next round. Everything is in Temporal's history,
// so rounds go on while stigmer is down.

#include <memory>

#include "absl/status/statusor.h"
#include "durable/program.h"
#include "durable/replay_history.h"

namespace stigmer::workflow {

// The member of the runtime payload (payload 2) that makes a run a driver:
// {"after_ms": <int>, "round": <int, from 1>, "task_queue": <where the runs go>, "version": <the
// workflow version it runs>}.
inline constexpr char kScheduleAfterKey[] = "schedule_after";

// The driver run `history` starts; null when its runtime payload holds no kScheduleAfterKey.
// InvalidArgument for a malformed one.
absl::StatusOr<std::unique_ptr<durable::ProgramRun>> LoadScheduleAfterRun(
    const durable::ReplayHistory& history);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_SCHEDULE_AFTER_RUN_H_

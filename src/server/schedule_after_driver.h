#ifndef STIGMER_SERVER_SCHEDULE_AFTER_DRIVER_H_
#define STIGMER_SERVER_SCHEDULE_AFTER_DRIVER_H_

// The driver workflow of a `schedule.after` (workflow/schedule_after_run.h), seen from
// stigmer-server: started when a workflow version with `after` is applied, replaced by a new
// version, terminated when the workflow loses its schedule or is deleted. Its workflow id is
// ScheduleId(name) ("wfl-<name>"), the id a Temporal Schedule of the workflow would have.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/child_runs.h"
#include "server/store/store.h"
#include "temporal/temporal_client.h"

namespace stigmer::server {

// What the running driver of a workflow is doing.
struct ScheduleAfterState {
  int version = 0;                 // the workflow version its runs start
  int64_t round = 0;               // its current round (1 for the first run)
  std::vector<ChildRun> runs;      // the runs its current round started
  std::optional<absl::Time> next;  // when the next round starts, while it waits
};

// The state of the running driver of workflow `name`; none when none runs.
absl::StatusOr<std::optional<ScheduleAfterState>> DescribeScheduleAfter(
    temporal::TemporalClient& client, const std::string& name);

// Makes the driver of `workflow` (whose latest version declares `after`) run that version: does
// nothing when it does, otherwise terminates the one running (its run in progress is cancelled)
// and starts one whose first round starts a run at once. The runs get the payloads a run of the
// workflow with input {} would (execution_start.h); the driver's start is signed with
// `signing_key` (when not empty).
absl::Status SyncScheduleAfter(temporal::TemporalClient& client, store::Store& store,
                               const stigmer::v1::Workflow& workflow, absl::Duration after,
                               const std::string& task_queue, const std::string& signing_key);

// Terminates the driver of workflow `name`; OK when none runs.
absl::Status StopScheduleAfter(temporal::TemporalClient& client, const std::string& name);

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_SCHEDULE_AFTER_DRIVER_H_

#ifndef STIGMER_SERVER_SCHEDULED_RUNS_H_
#define STIGMER_SERVER_SCHEDULED_RUNS_H_

#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/execution_manager.h"
#include "server/workflow_schedules.h"

namespace stigmer::server {

// Finds the runs Temporal Schedules started and gives each an execution record, so that they
// are listed, followed and projected as every other execution. Temporal starts them on its own
// (also while stigmer-server is down); each pass asks Temporal's visibility for the runs of
// each schedule (`TemporalScheduledById = 'wfl-<name>'`, newest first) and records those it has
// not recorded yet, until a page holds only known ones. A schedule whose workflow was deleted
// is deleted on the way (for a delete that could not reach Temporal). The runs of a
// `schedule.after` driver are found in its current run's history. Thread-safe.
class ScheduledRunFinder {
 public:
  // REQUIRES: `schedules` and `executions` outlive this object.
  ScheduledRunFinder(WorkflowSchedules* schedules, ExecutionManager* executions,
                     absl::Duration interval = absl::Seconds(1));
  ~ScheduledRunFinder();  // Stop()

  // Starts a thread that runs FindOnce every `interval` while some workflow has a schedule, and
  // sleeps until Wake() while none has. REQUIRES: called at most once.
  void Start();
  // A workflow gained a schedule: look for its runs from now on.
  void Wake();
  // Stops it and waits for it. Idempotent.
  void Stop();

  // One pass over every schedule. The first error met (Temporal away…), after trying them all.
  absl::Status FindOnce();

 private:
  absl::Status FindRunsOf(temporal::TemporalClient& client, const std::string& name);
  // Records the run the current round of the `schedule.after` driver of `name` started, if any
  // (schedule_after_driver.h).
  absl::Status RecordScheduleAfterRuns(temporal::TemporalClient& client, const std::string& name);

  WorkflowSchedules* const schedules_;
  ExecutionManager* const executions_;
  const absl::Duration interval_;
  absl::Mutex mutex_;
  bool stopped_ ABSL_GUARDED_BY(mutex_) = false;
  bool woken_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_SCHEDULED_RUNS_H_

#ifndef STIGMER_SERVER_WORKFLOW_SCHEDULES_H_
#define STIGMER_SERVER_WORKFLOW_SCHEDULES_H_

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/store/store.h"
#include "stigmer/v1/workflow.pb.h"
#include "temporal/temporal_client.h"

namespace stigmer::server {

// The Temporal Schedule of workflow `name`: "wfl-<name>". Its action's workflow id is the same;
// Temporal appends "-<nominal time>" for each run it starts.
std::string ScheduleId(absl::string_view workflow_name);

// The memo field of a scheduled run that holds the workflow version it runs (a JSON number).
inline constexpr char kScheduledVersionMemo[] = "stigmer-workflow-version";

// Keeps one Temporal Schedule per workflow whose latest version has a `schedule`
// (workflow/dsl_schedule.h): its spec (`every` an interval, `cron` a cron string), and an
// action that starts a ServerlessWorkflow with the payloads a Create of that version with an
// empty input would (execution_start.h), signed as a scheduled start
// (temporal/start_signature.h). Overlap: ALLOW_ALL for `every` (the DSL runs it "regardless of
// whether the previous run is still in progress"), Temporal's default (SKIP) for a cron alone;
// catch-up window: kCatchupWindow. The schedule's notes name the version it starts.
// `after` is no Temporal Schedule but a driver workflow (schedule_after_driver.h).
// Thread-safe.
class WorkflowSchedules {
 public:
  using ClientSource = std::function<absl::StatusOr<std::shared_ptr<temporal::TemporalClient>>()>;

  // Missed fire times older than this are not caught up when Temporal comes back: a stack down
  // for a day must not start a day of runs at once.
  static constexpr absl::Duration kCatchupWindow = absl::Minutes(1);

  // REQUIRES: `store` outlives this object. `client` connects to Temporal (on first use).
  WorkflowSchedules(store::Store* store, ClientSource client, std::string signing_key,
                    std::string task_queue);

  // Reads which stored workflows have a schedule (their latest version). Call once, at start.
  absl::Status Load();

  // Whether `definition` (a document's text) may have a schedule: when false, applying it
  // changes no schedule unless the workflow had one.
  static bool MayHaveSchedule(absl::string_view definition);

  // Whether applying or deleting workflow `name` may touch a Temporal Schedule.
  bool Tracks(const std::string& name) const;

  // Unavailable ("Temporal is down (…)") unless Temporal answers.
  absl::Status CheckReachable();

  // Brings the schedule of workflow `name` in line with its latest stored version: creates it,
  // updates it (a new version), or deletes it (the workflow is gone, or has no schedule any
  // more). OK and no call to Temporal when there is nothing to do.
  absl::Status Sync(const std::string& name);

  // The workflows with a schedule, by name.
  std::vector<std::string> Names() const;

  // Calls `added` (with no lock held) each time a workflow gains a schedule. Set once, before
  // any other call.
  void OnScheduleAdded(std::function<void()> added) { added_ = std::move(added); }

  // Each schedule as Temporal describes it: spec, next fire times, paused, runs started.
  absl::StatusOr<std::vector<stigmer::v1::Schedule>> List();

 private:
  absl::Status Create(temporal::TemporalClient& client, const stigmer::v1::Workflow& workflow,
                      bool update);
  // Deletes the schedule and stops the `after` driver of workflow `name` (OK when none).
  absl::Status Delete(temporal::TemporalClient& client, const std::string& name);
  absl::Status DeleteSchedule(temporal::TemporalClient& client, const std::string& name);

  store::Store* const store_;
  const ClientSource client_;
  const std::string signing_key_;
  const std::string task_queue_;
  std::function<void()> added_;
  // One Sync at a time: an apply's and the scheduled-run finder's, running together, both saw
  // no `after` driver and both started one (the second failed the apply).
  absl::Mutex sync_mutex_;
  mutable absl::Mutex mutex_;
  std::set<std::string> names_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_WORKFLOW_SCHEDULES_H_

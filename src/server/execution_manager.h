#ifndef STIGMER_SERVER_EXECUTION_MANAGER_H_
#define STIGMER_SERVER_EXECUTION_MANAGER_H_

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/child_progress.h"
#include "server/child_runs.h"
#include "server/execution_projection.h"
#include "server/execution_watch_hub.h"
#include "server/store/store.h"
#include "stigmer/v1/execution.pb.h"
#include "temporal/history_follower.h"
#include "temporal/temporal_client.h"

namespace stigmer::server {

// A run a workflow's Temporal Schedule started (workflow_schedules.h).
struct ScheduledRun {
  std::string workflow;             // its name
  int version = 0;                  // the version it runs; 0: the latest
  std::string workflow_id, run_id;  // Temporal's
  absl::Time started;
};

// Runs executions on Temporal and keeps their records in step with Temporal's history, which
// is the source of truth while they run (DESIGN.md, "Executions"). Knows nothing of gRPC.
//
// Create stores a PENDING record and starts the workflow; when Temporal cannot be reached it
// stores nothing and answers Unavailable, so a caller can simply try again. It refuses, storing
// nothing, with InvalidArgument: an input that is not a JSON object or is nested deeper than
// kMaxJsonDepth, and a start Temporal would refuse for its size (document, input and runtime
// values together beyond kMaxPayloadsBytes), naming the sizes. Every running
// execution has a HistoryFollower whose events are projected into its record, stored, and
// published to watchers.
//
// Nothing open stays unfollowed: a reconciler thread (StartReconciling) rebuilds every PENDING
// or RUNNING record without a live follower from Temporal's history of its whole chain of runs,
// then follows it on, at start and every `sweep_interval`; when Temporal cannot be reached, or a
// follower ends with an error, it tries again with backoff. A record whose workflow Temporal does
// not know ends FAILED ("Execution lost"). Thread-safe.
class ExecutionManager {
 public:
  struct Options {
    std::string temporal_address = "127.0.0.1:7233";
    std::string task_queue = "stigmer-workflows";
    absl::Duration connect_timeout = absl::Seconds(2);
    // Signs every start (temporal/start_signature.h); empty: starts are not signed.
    std::string signing_key;
    // Encrypts every payload sent to Temporal; null: payloads go in clear.
    std::shared_ptr<const temporal::PayloadCodec> payload_codec;
    // How often open records are checked for a live follower, and the longest retry delay.
    absl::Duration sweep_interval = absl::Seconds(30);
    // The first retry delay after a failure to follow (doubling up to sweep_interval).
    absl::Duration initial_retry = absl::Milliseconds(500);
    // Called with the history events of every execution followed, in order (from the start of
    // its run chain when following resumes); null: nobody. Must be quick.
    std::function<void(const std::string& id, const std::vector<temporal::HistoryEvent>& events)>
        on_history;
  };

  // REQUIRES: `store` outlives this object.
  ExecutionManager(store::Store* store, Options options);
  ~ExecutionManager();  // Shutdown()

  // Starts the reconciler thread: follows again every execution a previous server left PENDING
  // or RUNNING, then keeps every open record followed. REQUIRES: called at most once.
  void StartReconciling();

  absl::StatusOr<stigmer::v1::Execution> Create(const stigmer::v1::CreateExecutionRequest& request);
  // Create with `input` as the run's input in place of request.input (any JSON value, within the
  // JSON limits): how an event starts a workflow (`schedule.on`, input [event]).
  absl::StatusOr<stigmer::v1::Execution> CreateWithInput(
      const stigmer::v1::CreateExecutionRequest& request, nlohmann::json input);
  absl::StatusOr<stigmer::v1::Execution> Cancel(const std::string& id);
  // Records a run a schedule started as an execution (a new "wex-…" id, input {}, created when
  // the run started, temporal_workflow_id the run's) and follows it as any other. Once per run:
  // AlreadyExists when it is recorded already. NotFound when the workflow is gone.
  absl::StatusOr<stigmer::v1::Execution> RecordScheduledRun(const ScheduledRun& run);
  // Sends an agent run the decision on a tool call it waits on (agent/approval.h).
  // FailedPrecondition when it waits on none; InvalidArgument naming the pending calls when
  // `request.call_id` names none of them, or is empty while several wait.
  absl::StatusOr<stigmer::v1::Execution> Approve(const stigmer::v1::ApproveRequest& request);
  // Starts watching one execution (NotFound for an unknown id).
  absl::StatusOr<std::unique_ptr<ExecutionWatchHub::Watch>> Watch(const std::string& id);

  // Stops the reconciler and every follower, and ends every watch.
  void Shutdown();

  // The Temporal client, connecting on first use (and again after a failed attempt).
  absl::StatusOr<std::shared_ptr<temporal::TemporalClient>> Client();

 private:
  struct Followed {
    ExecutionProjection projection;
    std::unique_ptr<temporal::HistoryFollower> follower;
    std::unique_ptr<ChildFollowers> children;  // its sub-agents' runs, shown nested
    ChildRunScanner child_runs;                // its `run: workflow` children...
    std::vector<std::string> child_records;    // ...recorded as these executions
  };

  // Records the runs of `run: workflow` children of execution `parent_id` (of workflow
  // `parent_workflow`) as executions of their own (once each: request id "child:<workflow
  // id>"), follows them, and returns their ids (those already recorded too).
  std::vector<std::string> RecordChildRuns(const std::string& parent_id,
                                           const std::string& parent_workflow,
                                           const std::vector<ChildRun>& runs)
      ABSL_LOCKS_EXCLUDED(mutex_);

  // Stores `execution`, a run Temporal started without Create (scheduled, a child), under
  // `request_id`, and follows it; the reconciler leaves it alone until then.
  absl::StatusOr<stigmer::v1::Execution> RecordStartedRun(stigmer::v1::Execution execution,
                                                          const std::string& request_id)
      ABSL_LOCKS_EXCLUDED(mutex_);
  // Follows a just-started execution from its first event.
  void FollowNew(const stigmer::v1::Execution& execution) ABSL_LOCKS_EXCLUDED(mutex_);
  // Rebuilds the open record `id` from its chain of runs and follows it on (unless it is closed
  // in Temporal). OK too when there is nothing to do (followed already, being created, closed).
  absl::Status Resume(const std::string& id) ABSL_LOCKS_EXCLUDED(mutex_);
  void StartFollower(const std::string& id, ExecutionProjection projection,
                     temporal::HistoryFollowerOptions options,
                     std::shared_ptr<temporal::TemporalClient> client)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Stores `record` and tells its watchers.
  void Publish(const stigmer::v1::Execution& record);
  // Resumes every open record; false if one could not be followed.
  bool SweepOnce() ABSL_LOCKS_EXCLUDED(mutex_);
  void ReconcileLoop() ABSL_LOCKS_EXCLUDED(mutex_);
  // Waits up to `timeout` for Shutdown() (or also a failed follower with `or_follow_failed`);
  // returns what ended the wait: true on shutdown.
  bool WaitUnlessShutDown(absl::Duration timeout, bool or_follow_failed)
      ABSL_LOCKS_EXCLUDED(mutex_);
  void OnEvents(const std::string& id, const std::string& run_id,
                const std::vector<temporal::HistoryEvent>& events) ABSL_LOCKS_EXCLUDED(mutex_);
  void OnFollowerDone(const std::string& id, const absl::Status& status)
      ABSL_LOCKS_EXCLUDED(mutex_);
  void ReapFinishedFollowers() ABSL_LOCKS_EXCLUDED(mutex_);

  store::Store* const store_;
  const Options options_;
  ExecutionWatchHub hub_;

  absl::Mutex client_mutex_;
  std::shared_ptr<temporal::TemporalClient> client_ ABSL_GUARDED_BY(client_mutex_);

  absl::Mutex mutex_;
  std::map<std::string, Followed> followed_ ABSL_GUARDED_BY(mutex_);
  std::vector<std::unique_ptr<temporal::HistoryFollower>> finished_ ABSL_GUARDED_BY(mutex_);
  std::vector<std::unique_ptr<ChildFollowers>> finished_children_ ABSL_GUARDED_BY(mutex_);
  absl::Mutex publish_mutex_;                               // taken before mutex_; see OnEvents
  std::set<std::string> creating_ ABSL_GUARDED_BY(mutex_);  // between insert and follow
  bool follow_failed_ ABSL_GUARDED_BY(mutex_) = false;      // since the last sweep
  bool shut_down_ ABSL_GUARDED_BY(mutex_) = false;
  temporal::CallCanceller sweep_canceller_;
  std::thread reconciler_;  // touched by StartReconciling() and Shutdown() only
};

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_EXECUTION_MANAGER_H_

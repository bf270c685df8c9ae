#ifndef STIGMER_SERVER_EXECUTION_MANAGER_H_
#define STIGMER_SERVER_EXECUTION_MANAGER_H_

#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/execution_projection.h"
#include "server/execution_watch_hub.h"
#include "server/store/store.h"
#include "stigmer/v1/execution.pb.h"
#include "temporal/history_follower.h"
#include "temporal/temporal_client.h"

namespace stigmer::server {

// Runs executions on Temporal and keeps their records in step with Temporal's history, which
// is the source of truth while they run (DESIGN.md, "Executions"). Knows nothing of gRPC.
//
// Create stores a PENDING record and starts the workflow; when Temporal cannot be reached it
// stores nothing and answers Unavailable, so a caller can simply try again. It refuses, storing
// nothing, with InvalidArgument: an input that is not a JSON object or is nested deeper than
// kMaxJsonDepth, and a start Temporal would refuse for its size (document, input and runtime
// values together beyond kMaxPayloadsBytes), naming the sizes. Every running
// execution has a HistoryFollower whose events are projected into its record, stored, and
// published to watchers. Thread-safe.
class ExecutionManager {
 public:
  struct Options {
    std::string temporal_address = "127.0.0.1:7233";
    std::string task_queue = "stigmer-workflows";
    absl::Duration connect_timeout = absl::Seconds(2);
  };

  // REQUIRES: `store` outlives this object.
  ExecutionManager(store::Store* store, Options options);
  ~ExecutionManager();  // Shutdown()

  // Follows again every execution a previous server left PENDING or RUNNING.
  void ResumeUnfinished();

  absl::StatusOr<stigmer::v1::Execution> Create(const stigmer::v1::CreateExecutionRequest& request);
  absl::StatusOr<stigmer::v1::Execution> Cancel(const std::string& id);
  // Starts watching one execution (NotFound for an unknown id).
  absl::StatusOr<std::unique_ptr<ExecutionWatchHub::Watch>> Watch(const std::string& id);

  // Stops every follower and ends every watch.
  void Shutdown();

 private:
  struct Followed {
    ExecutionProjection projection;
    std::unique_ptr<temporal::HistoryFollower> follower;
  };

  // The Temporal client, connecting on first use (and again after a failed attempt).
  absl::StatusOr<std::shared_ptr<temporal::TemporalClient>> Client();
  void Follow(stigmer::v1::Execution execution) ABSL_LOCKS_EXCLUDED(mutex_);
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
  bool shut_down_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_EXECUTION_MANAGER_H_

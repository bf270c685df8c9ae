#ifndef STIGMER_SERVER_EXECUTION_MANAGER_H_
#define STIGMER_SERVER_EXECUTION_MANAGER_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/child_runs.h"
#include "server/execution_projection.h"
#include "server/execution_tracker.h"
#include "server/execution_watch_hub.h"
#include "server/store/store.h"
#include "stigmer/v1/execution.pb.h"
#include "temporal/history_cursor.h"
#include "temporal/temporal_client.h"
#include "workflow/document_cache.h"

namespace stigmer::server {

// A run a workflow's Temporal Schedule started (workflow_schedules.h).
struct ScheduledRun {
  std::string workflow;             // its name
  int version = 0;                  // the version it runs; 0: the latest
  std::string workflow_id, run_id;  // Temporal's
  absl::Time started;
};

// Runs executions on Temporal and keeps their records in step with Temporal's history, which
// is the source of truth while they run (DESIGN.md, "Executions"; ExecutionTracker reads the
// histories). Knows nothing of gRPC.
//
// Create stores a PENDING record and starts the workflow; when Temporal cannot be reached it
// stores nothing and answers Unavailable, so a caller can simply try again. It refuses, storing
// nothing, with InvalidArgument: an input that is not a JSON object or is nested deeper than
// kMaxJsonDepth, and a start Temporal would refuse for its size (document, input and runtime
// values together beyond kMaxPayloadsBytes), naming the sizes. Thread-safe.
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
    // How the records follow Temporal (on_history: every execution's new events).
    ExecutionTracker::Options tracking;
  };

  // REQUIRES: `store` outlives this object.
  ExecutionManager(store::Store* store, Options options);
  ~ExecutionManager();  // Shutdown()

  // Starts keeping the records in step (ExecutionTracker::Start): first every execution a
  // previous server left PENDING or RUNNING. REQUIRES: called at most once.
  void StartTracking();

  // A worker says that a run moved on (ExecutionTracker::OnProgress).
  void OnProgress(const std::string& workflow_id, const temporal::HistoryMark& mark);

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

  // Stops keeping the records in step, and ends every watch.
  void Shutdown();

  // The Temporal client, connecting on first use (and again after a failed attempt), waiting
  // up to `connect_timeout` (by default options_.connect_timeout) while Temporal is away.
  absl::StatusOr<std::shared_ptr<temporal::TemporalClient>> Client(
      std::optional<absl::Duration> connect_timeout = std::nullopt);

 private:
  // Records the runs of `run: workflow` children of execution `parent_id` (of workflow
  // `parent_workflow`) as executions of their own (once each: request id "child:<workflow
  // id>"), and returns their ids (those already recorded too).
  std::vector<std::string> RecordChildRuns(const std::string& parent_id,
                                           const std::string& parent_workflow,
                                           const std::vector<ChildRun>& runs);
  // Stores `execution`, a run Temporal started without Create (scheduled, a child), under
  // `request_id`, and tracks it.
  absl::StatusOr<stigmer::v1::Execution> RecordStartedRun(stigmer::v1::Execution execution,
                                                          const std::string& request_id);

  store::Store* const store_;
  const Options options_;
  ExecutionWatchHub hub_;
  workflow::DocumentCache documents_;  // the workflows Create starts, parsed once

  absl::Mutex client_mutex_;
  std::shared_ptr<temporal::TemporalClient> client_ ABSL_GUARDED_BY(client_mutex_);

  ExecutionTracker tracker_;  // last: its threads use the members above
};

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_EXECUTION_MANAGER_H_

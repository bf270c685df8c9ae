#ifndef STIGMER_SERVER_EXECUTION_READER_H_
#define STIGMER_SERVER_EXECUTION_READER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/child_progress.h"
#include "server/child_runs.h"
#include "server/execution_projection.h"
#include "server/execution_watch_hub.h"
#include "server/store/store.h"
#include "stigmer/v1/execution.pb.h"
#include "temporal/history_cursor.h"
#include "temporal/temporal_client.h"

namespace stigmer::server {

// One execution's record kept in step with the history of its run chain: where the reading has
// got to (a HistoryCursor), the record projected from the events so far, and its agent children's
// and `run: workflow` children's progress. Each read takes only the new events, projects them,
// stores the record and tells the execution's watchers, unless the store holds a newer one
// (another server's). Not thread-safe: one reader at a time (ExecutionTracker's).
class ExecutionReader {
 public:
  // Records the `run: workflow` children `runs` of execution `parent_id` (of workflow
  // `parent_workflow`) as executions and returns their ids (also those recorded already).
  using ChildRecorder = std::function<std::vector<std::string>(const std::string& parent_id,
                                                               const std::string& parent_workflow,
                                                               const std::vector<ChildRun>& runs)>;
  using HistoryObserver =
      std::function<void(const std::string& id, const std::vector<temporal::HistoryEvent>& events)>;

  // What the readers of every execution share. REQUIRES: `store` and `hub` outlive the readers.
  struct Shared {
    store::Store* store = nullptr;
    ExecutionWatchHub* hub = nullptr;
    ChildRecorder record_children;
    absl::Duration read_timeout;  // one call to Temporal
    HistoryObserver on_history;   // the new events of every read, in order; may be null
  };

  // `record` as stored; read whole from the start of its run chain (Rebuild), or, once Started,
  // on from its run's first event.
  ExecutionReader(const Shared* shared, std::string workflow_id, stigmer::v1::Execution record);

  // Its run `record.temporal_run_id()` started: read on from its first event.
  void Started(const stigmer::v1::Execution& record);
  // Reads the whole run chain and projects it from the start.
  absl::Status Rebuild(temporal::TemporalClient& client);
  // Reads on to `mark` (with `catch_up`: as far as the history goes now), and the children
  // `children` names to theirs.
  absl::Status ReadOn(temporal::TemporalClient& client, const temporal::HistoryMark& mark,
                      bool catch_up, const std::map<std::string, temporal::HistoryMark>& children);
  // True when the store holds the record final (another server read its close): tells this
  // server's watchers, without reading Temporal, and the reading is done.
  bool StoredFinal();

  // Closed (or lost) and published: nothing more to read.
  bool done() const { return done_; }
  temporal::HistoryMark read_to() const { return {cursor_.run_id(), cursor_.last_event_id()}; }
  bool Reached(const temporal::HistoryMark& mark) const { return cursor_.Reached(mark); }

 private:
  void ApplyEvents(temporal::TemporalClient& client,
                   const std::vector<temporal::HistoryEvent>& events);
  // Temporal does not know the run: the record ends FAILED ("Execution lost"), for good.
  void MarkLost();
  // Stores the record projected so far, with its children, and tells its watchers.
  void PublishProjection();
  void Publish(const stigmer::v1::Execution& record, int64_t progress);

  const Shared* const shared_;
  const std::string id_;
  const std::string workflow_id_;
  ExecutionProjection projection_;
  temporal::HistoryCursor cursor_;
  std::unique_ptr<ChildProgress> children_;
  ChildRunScanner child_runs_;
  std::vector<std::string> child_records_;
  int64_t progress_ = 0;  // history events projected, over the whole run chain
  bool done_ = false;
};

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_EXECUTION_READER_H_

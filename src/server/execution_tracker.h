#ifndef STIGMER_SERVER_EXECUTION_TRACKER_H_
#define STIGMER_SERVER_EXECUTION_TRACKER_H_

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/closed_run_scan.h"
#include "server/execution_reader.h"
#include "server/execution_watch_hub.h"
#include "server/store/store.h"
#include "stigmer/v1/execution.pb.h"
#include "temporal/history_cursor.h"
#include "temporal/temporal_client.h"

namespace stigmer::server {

// Keeps the records of running executions in step with Temporal's history, which is the truth
// while they run, without a thread or a long poll per execution (README, "DESIGN notes"). What
// makes a record be read again:
//
// * its worker reports that the run moved on (OnProgress: workflow-runner and agent-runner send
//   one after every workflow task they answer, stigmer/v1/progress.proto);
// * Temporal's visibility shows the run closed (a scan every `close_scan_interval` of the runs
//   closed since the last one): what no worker reports, e.g. terminated, timed out, a worker
//   that died between;
// * it is open in the store but not tracked (at start, and every `sweep_interval`: a previous
//   server's executions; a PENDING one only once it is a minute old: younger, it may be another
//   server's Create between its insert and its start), or tracked but quiet for a
//   `sweep_interval` (a few per sweep). With a `follower` id, the sweep leaves the executions
//   of other live servers to them (each records who follows an execution, and says every few
//   seconds that it is alive) and takes over those of a server silent for `follower_lapse`;
//   a watch here (Follow) or a report here still makes it follow one.
//
// A read (ExecutionReader) takes only the new events, projects them into the record (also the
// nested tasks of agent children, and records for `run: workflow` children), stores it and
// tells its watchers. A whole read, or one of a run the close scan lists, is skipped when the
// store already holds the record final (servers sharing a store each list every close, and
// adopt every open record). A few threads do the reading, one execution at a time each; a record
// that cannot be read (Temporal away) is tried again every scan. A run Temporal does not know
// ends FAILED ("Execution lost"). Thread-safe.
class ExecutionTracker {
 public:
  using ClientSource = std::function<absl::StatusOr<std::shared_ptr<temporal::TemporalClient>>()>;
  using ChildRecorder = ExecutionReader::ChildRecorder;

  struct Options {
    absl::Duration close_scan_interval = absl::Seconds(1);
    absl::Duration sweep_interval = absl::Seconds(30);
    int readers = 4;        // threads reading histories
    int quiet_reads = 100;  // quiet records read again per sweep, the longest quiet first
    absl::Duration read_timeout = absl::Seconds(5);  // one call to Temporal
    // This server's id among those sharing the store (Store::InsertExecution's `follower`);
    // empty: follow every open record.
    std::string follower;
    absl::Duration follower_lapse = absl::Seconds(90);  // silent this long: taken over
    // Called with the new history events of every execution read, in order (from the start of
    // its run chain when it is read whole); null: nobody. Must be quick.
    ExecutionReader::HistoryObserver on_history;
  };

  // REQUIRES: `store` and `hub` outlive this object.
  ExecutionTracker(store::Store* store, ExecutionWatchHub* hub, ClientSource client,
                   ChildRecorder record_children, Options options);
  ~ExecutionTracker();  // Shutdown()

  // Starts the readers and the scanner, which first reads every record a previous server left
  // open. REQUIRES: called at most once.
  void Start();

  // `execution` is stored and its run is about to start: reports of it are kept until Started.
  void Track(const stigmer::v1::Execution& execution);
  // Its run started (`execution` as stored, with its run id): read it as reports come, and at
  // once with `read_now` (a run started elsewhere, which may have moved on already).
  void Started(const stigmer::v1::Execution& execution, bool read_now = false);
  // Follows `record` (open, watched here) if it is not yet: another server may follow it, whose
  // reads reach only its own watchers.
  void Follow(const stigmer::v1::Execution& record);
  // Its run did not start; the record is gone.
  void Forget(const std::string& id);

  // A worker says that run `mark.run_id` of `workflow_id` has event `mark.event_id` now.
  // Unknown workflows are looked up in the store (another server may have created them).
  void OnProgress(const std::string& workflow_id, const temporal::HistoryMark& mark);

  // Stops the threads (a read in flight ends within `read_timeout`).
  void Shutdown();

 private:
  struct Tracked;

  // Reads what `entry` asks for, then stores and publishes its record. Runs on a reader.
  void Refresh(Tracked& entry);

  // Says in the store that this server is alive (with a follower id).
  void MarkAlive(absl::Time at);
  // Tracks open store records not tracked yet (with a follower id: this server's, nobody's, and
  // those of servers silent for `follower_lapse`, now its); false when the store cannot be
  // listed.
  bool AdoptOpenRecords() ABSL_LOCKS_EXCLUDED(mutex_);
  // Tracks `record` (unless it is already), to be read whole from the start of its run chain.
  void Adopt(stigmer::v1::Execution record) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Reads again the tracked runs visibility lists closed since the last scan.
  void ScanClosedRuns() ABSL_LOCKS_EXCLUDED(mutex_);
  void QueueQuietRecords() ABSL_LOCKS_EXCLUDED(mutex_);
  void Enqueue(Tracked& entry) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  Tracked* Find(const std::string& workflow_id, std::string* child_workflow)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void ReaderLoop() ABSL_LOCKS_EXCLUDED(mutex_);
  void ScanLoop() ABSL_LOCKS_EXCLUDED(mutex_);

  store::Store* const store_;
  const ClientSource client_;
  const Options options_;
  const ExecutionReader::Shared reading_;

  absl::Mutex mutex_;
  std::map<std::string, std::unique_ptr<Tracked>> tracked_ ABSL_GUARDED_BY(mutex_);  // by id
  std::map<std::string, std::string> by_workflow_id_ ABSL_GUARDED_BY(mutex_);
  std::deque<std::string> queue_ ABSL_GUARDED_BY(mutex_);
  bool shut_down_ ABSL_GUARDED_BY(mutex_) = false;
  bool outage_logged_ ABSL_GUARDED_BY(mutex_) = false;  // one warning while Temporal is away
  absl::Duration retry_delay_ ABSL_GUARDED_BY(mutex_) = absl::Seconds(1);  // failed reads
  absl::Time next_retry_ ABSL_GUARDED_BY(mutex_) = absl::InfinitePast();
  ClosedRunScan close_scan_;          // the scanning thread's
  std::vector<std::thread> threads_;  // touched by Start() and Shutdown() only
};

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_EXECUTION_TRACKER_H_

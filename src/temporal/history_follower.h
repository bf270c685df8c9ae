#ifndef STIGMER_TEMPORAL_HISTORY_FOLLOWER_H_
#define STIGMER_TEMPORAL_HISTORY_FOLLOWER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "temporal/reconnect_backoff.h"
#include "temporal/temporal_client.h"

namespace stigmer::temporal {

struct HistoryFollowerOptions {
  std::string workflow_id;  // REQUIRES: not empty
  std::string run_id;       // the run to start from; empty: the latest run
  // Skip the events of the first run followed up to and including this id (events already
  // seen, e.g. before a restart). 0: deliver every event.
  int64_t after_event_id = 0;
  // Deadline of one long poll; Temporal answers an empty page before it ends.
  absl::Duration poll_timeout = absl::Seconds(70);
  // Spacing of retries while Temporal cannot be reached (see ReconnectBackoff).
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
};

// Follows one workflow's history as it grows: long-polls GetWorkflowExecutionHistory
// (wait_new_event) and hands every new batch of events, in order and each event exactly once,
// to `on_events`, until the run's close event has been delivered. When the run continues as new
// (or a close event names a new run: retry, cron) it follows the new run, whose events come
// with the new run id.
//
// An empty page or DEADLINE_EXCEEDED just polls again with the same token. UNAVAILABLE (Temporal
// down or restarting) retries with ReconnectBackoff, for as long as the follower runs; a token
// Temporal no longer accepts restarts the run from its first event, skipping the events already
// delivered. Any other error (NotFound: no such workflow) ends the follower with that error.
//
// `on_done` is called exactly once, last: OK after the final close event was delivered,
// Cancelled after Stop(), the error otherwise.
//
// Threads: one std::thread per follower, started by Start(); both callbacks run on it, one at a
// time. Stop() and the destructor may be called from any thread except that one (a callback
// that wants to stop the follower should return and let another thread call Stop()).
class HistoryFollower {
 public:
  using EventsCallback =
      std::function<void(const std::string& run_id, const std::vector<HistoryEvent>& events)>;
  using DoneCallback = std::function<void(const absl::Status& status)>;

  // REQUIRES: `client` is not null. The follower shares it.
  HistoryFollower(std::shared_ptr<TemporalClient> client, HistoryFollowerOptions options,
                  EventsCallback on_events, DoneCallback on_done);
  ~HistoryFollower();  // Stop()s
  HistoryFollower(const HistoryFollower&) = delete;
  HistoryFollower& operator=(const HistoryFollower&) = delete;

  // Starts the thread. REQUIRES: called at most once.
  void Start();

  // Cancels the poll in flight and joins the thread: returns promptly (only the Describe that
  // resolves an empty run_id is not cancelled; it ends within the client's call timeout).
  // Idempotent; may be called from several threads at once.
  void Stop();

  // True once `on_done` has returned.
  bool done() const { return done_.load(); }

 private:
  absl::Status Run();
  // Waits the next backoff delay; false if Stop() came first.
  bool WaitBeforeRetry(ReconnectBackoff& backoff);

  const std::shared_ptr<TemporalClient> client_;
  const HistoryFollowerOptions options_;
  const EventsCallback on_events_;
  const DoneCallback on_done_;
  CallCanceller canceller_;
  absl::Notification stop_requested_;
  std::atomic<bool> done_{false};
  std::thread thread_;  // touched only by Start() and the first Stop()
  std::once_flag join_once_;
};

}  // namespace stigmer::temporal

#endif  // STIGMER_TEMPORAL_HISTORY_FOLLOWER_H_

#ifndef STIGMER_SERVER_EVENT_DELIVERY_H_
#define STIGMER_SERVER_EVENT_DELIVERY_H_

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "server/store/store.h"
#include "temporal/temporal_client.h"

namespace stigmer::server {

// Delivers the event bus's events to the runs that `listen` for them (the contract is at
// kEventSignalName, common/cloud_event.h). It learns what each run waits for from the run's
// history, which ExecutionManager follows and hands over (OnHistory): a "stigmer.event" marker
// opens a wait at the marker's task path, the task's "stigmer.task" marker or the end of the run
// closes it, and every "stigmer.event" signal in history is an event delivered. A delivery thread
// sends each open wait every stored event accepted since the wait began that may match its
// filters (workflow/event_filter.h, EventMayMatchFilter: the run applies the full filter), as a
// signal, once per listen: a marker that continues the wait (the listen waits for its next
// event, durable::kContinuesWaitKey) changes nothing, the run may take what was sent before it;
// a marker that does not (a new listen at that path) gets again what the listen did not take;
// after a restart the histories say what was delivered already. So an
// accepted event reaches a waiting run at least once; the run ignores a repeated one. A failed
// signal is retried with the next wake-up (a new event, a new wait, or every `retry_interval`).
// Thread-safe.
class EventDelivery {
 public:
  struct Options {
    std::string temporal_address = "127.0.0.1:7233";
    std::shared_ptr<const temporal::PayloadCodec> payload_codec;
    absl::Duration connect_timeout = absl::Seconds(2);
    absl::Duration retry_interval = absl::Seconds(5);
  };

  // REQUIRES: `store` outlives this object.
  EventDelivery(store::Store* store, Options options);
  ~EventDelivery();  // Shutdown()
  EventDelivery(const EventDelivery&) = delete;
  EventDelivery& operator=(const EventDelivery&) = delete;

  // Starts the delivery thread. REQUIRES: called at most once.
  void Start();
  // Stops the delivery thread. Idempotent.
  void Shutdown();

  // Events of the history of execution `id` (its workflow id), in history order; every event
  // from the start of the run chain, the first time after a restart.
  void OnHistory(const std::string& id, const std::vector<temporal::HistoryEvent>& events)
      ABSL_LOCKS_EXCLUDED(mutex_);
  // An event was stored: deliver it.
  void Wake() ABSL_LOCKS_EXCLUDED(mutex_);

  // The number of waits open now (for tests).
  size_t OpenWaits() ABSL_LOCKS_EXCLUDED(mutex_);

 private:
  struct Wait {
    nlohmann::json filters;  // the `with` of each filter
    bool every_event = false;
    int64_t since_ms = 0;
    int64_t cursor = 0;  // events up to this sequence were looked at
  };
  struct Waiting {
    std::map<std::string, Wait> waits;                    // by task path
    std::set<std::pair<std::string, int64_t>> delivered;  // (path, sequence)
  };
  struct Delivery {
    std::string execution;
    std::string path;
    int64_t sequence = 0;
    nlohmann::json event;
  };

  absl::StatusOr<std::shared_ptr<temporal::TemporalClient>> Client();
  void Loop();
  // Sends what open waits lack; false when a signal could not be sent.
  bool DeliverOnce() ABSL_LOCKS_EXCLUDED(mutex_);

  store::Store* const store_;
  const Options options_;

  absl::Mutex client_mutex_;
  std::shared_ptr<temporal::TemporalClient> client_ ABSL_GUARDED_BY(client_mutex_);

  absl::Mutex mutex_;
  std::map<std::string, Waiting> executions_ ABSL_GUARDED_BY(mutex_);
  bool wake_ ABSL_GUARDED_BY(mutex_) = false;
  bool shut_down_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_EVENT_DELIVERY_H_

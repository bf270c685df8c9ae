#ifndef STIGMER_SERVER_EVENT_TRIGGERS_H_
#define STIGMER_SERVER_EVENT_TRIGGERS_H_

#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/execution_manager.h"
#include "server/store/store.h"

namespace stigmer::server {

// `schedule.on`: every event the bus accepts is matched against the `schedule.on` of the latest
// version of every workflow (workflow/event_filter.h, expressions evaluated here), and each match
// starts one execution of that workflow with [event] as its input. Once per event and workflow:
// the execution's request id is "event-<sequence>-<workflow id>" (a second Create finds the
// first), and the bus's cursor "schedule.on" in the store says which events are done, so a
// restart neither loses nor repeats one. While Temporal is down the event waits and is tried
// again. A thread does the work when woken and every `retry_interval`. Thread-safe.
class EventTriggers {
 public:
  // REQUIRES: `store` and `executions` outlive this object.
  EventTriggers(store::Store* store, ExecutionManager* executions,
                absl::Duration retry_interval = absl::Seconds(5))
      : store_(store), executions_(executions), retry_interval_(retry_interval) {}
  ~EventTriggers();  // Shutdown()
  EventTriggers(const EventTriggers&) = delete;
  EventTriggers& operator=(const EventTriggers&) = delete;

  // Starts the thread. REQUIRES: called at most once.
  void Start();
  // Stops it. Idempotent.
  void Shutdown() ABSL_LOCKS_EXCLUDED(mutex_);
  // An event was stored.
  void Wake() ABSL_LOCKS_EXCLUDED(mutex_);

 private:
  void Loop() ABSL_LOCKS_EXCLUDED(mutex_);
  // Handles the events after the cursor; false when one must wait for a retry.
  bool RunOnce();

  store::Store* const store_;
  ExecutionManager* const executions_;
  const absl::Duration retry_interval_;
  absl::Mutex mutex_;
  bool wake_ ABSL_GUARDED_BY(mutex_) = true;
  bool shut_down_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_EVENT_TRIGGERS_H_

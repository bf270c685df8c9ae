#ifndef STIGMER_SERVER_EVENT_TRIGGERS_H_
#define STIGMER_SERVER_EVENT_TRIGGERS_H_

#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/execution_manager.h"
#include "server/store/store.h"
#include "workflow/expression_evaluator.h"
#include "workflow/expression_sandbox.h"

namespace stigmer::server {

// `schedule.on`: every event the bus accepts is matched against the `schedule.on` of the latest
// version of every workflow (workflow/event_consumption.h, with its correlations), and each match
// starts one execution of that workflow with [event] as its input. The filters' expressions come
// from users' documents: they run in an expression sandbox (workflow/expression_sandbox.h), so
// one that never ends or exhausts memory stops at the sandbox's bounds, and that workflow's
// schedule.on is skipped (logged) until a new version is applied; every other trigger and service
// goes on. Once per event and workflow:
// the execution's request id is "event-<sequence>-<workflow id>" (a second Create finds the
// first), and the bus's cursor "schedule.on" in the store says which events are done, so a
// restart neither loses nor repeats one. While Temporal is down the event waits and is tried
// again. A thread does the work when woken and every `retry_interval`. Thread-safe.
class EventTriggers {
 public:
  // REQUIRES: `store` and `executions` outlive this object. `sandbox_binary`: the stigmer
  // executable whose `internal expression-sandbox` evaluates the filters' expressions within
  // `limits`; empty: in this process, unbounded (tests without that binary).
  EventTriggers(store::Store* store, ExecutionManager* executions,
                const std::string& sandbox_binary, workflow::ExpressionLimits limits = {},
                absl::Duration retry_interval = absl::Seconds(5));
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
  workflow::ExpressionEvaluator evaluator_;   // used by the thread only
  absl::flat_hash_set<std::string> stopped_;  // Trigger::version of filters that hit a bound
  absl::Mutex mutex_;
  bool wake_ ABSL_GUARDED_BY(mutex_) = true;
  bool shut_down_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_EVENT_TRIGGERS_H_

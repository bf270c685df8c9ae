#ifndef STIGMER_SUPERVISOR_SUPERVISOR_H_
#define STIGMER_SUPERVISOR_SUPERVISOR_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "common/unique_fd.h"
#include "supervisor/component_spec.h"
#include "supervisor/component_state.h"
#include "supervisor/event_loop.h"
#include "supervisor/port_preflight.h"
#include "supervisor/process_identity.h"
#include "supervisor/wait_status.h"

namespace stigmer::supervisor {

class SupervisedComponent;

// Told about every status change. Called on the supervisor's loop thread: must not block long
// and must not call Run(); may call RequestStop/RequestRestart/Snapshot.
class SupervisorObserver {
 public:
  virtual ~SupervisorObserver() = default;
  virtual void OnStatusChanged(const ComponentStatus& status) = 0;
  // The initial start finished: every component is ready (or external).
  virtual void OnAllReady() {}
  // SIGTERM or SIGINT arrived: the stop it asks for begins right after, before any component
  // is signalled (also when a stop is already under way).
  virtual void OnStopSignal() {}
};

// Runs a fixed list of components: starts them in order (each once the one before is ready),
// restarts crashed ones with backoff (a crash loop ends in kFatal) and, with a watchdog, ready
// ones whose heartbeat stopped (kUnhealthy; counted like a crash), stops them in stop order
// (SIGTERM to the process group, SIGKILL after stop_timeout), and writes their output to log
// files (LogSink). One epoll loop on the thread calling Run(): signalfd, timers, an eventfd for
// requests from other threads, the children's pipes; no periodic wakeups.
class Supervisor {
 public:
  // `specs` in start order; `stop_order` names the same components in stop order (names missing
  // from it are stopped last, in reverse start order). `observer` may be null; it must outlive
  // Run().
  Supervisor(std::vector<ComponentSpec> specs, std::vector<std::string> stop_order,
             SupervisorObserver* observer);
  ~Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Runs the event loop on the calling thread until a stop completed: starts every component,
  // supervises them, and returns once RequestStop (or SIGTERM/SIGINT) stopped them all: OK.
  // If the initial start fails (a component reaches kFatal, cannot be spawned, or is not ready
  // within its start_timeout), stops whatever it had started and returns FailedPrecondition (or
  // DeadlineExceeded for a timeout) naming the component, why, and its last 20 log lines.
  // Call at most once. REQUIRES: BlockSupervisorSignals() was called in main() before any thread
  // was created; Run's thread lives until Run returns (children die with it: PR_SET_PDEATHSIG).
  absl::Status Run();

  // Thread-safe, any thread, before or during Run: stop everything in stop order; Run returns.
  void RequestStop();
  // Thread-safe: restart one component by name ("" = all), after the initial start finished:
  // a running one is stopped (TERM, then KILL) and started again; a fatal, stopped or
  // backing-off one is started at once with its backoff reset. Ignored during start and stop.
  void RequestRestart(const std::string& name);
  // Thread-safe copy of the current statuses, in start order.
  std::vector<ComponentStatus> Snapshot() const;

 private:
  enum class Phase { kStarting, kRunning, kStopping, kDone };

  void Apply(size_t index, ComponentEvent event, TransitionContext context = {});
  void Spawn(size_t index);
  void OnReady(size_t index, uint64_t generation);
  void OnChildSignal();
  void OnExited(size_t index);
  void OnStartTimeout(size_t index);
  void OnHeartbeat(size_t index, uint64_t generation);
  void OnHeartbeatOverdue(size_t index);
  // Stops a component that failed for `why` (counted by its backoff) and applies `event`; it is
  // started again after the backoff, or ends fatal.
  void StopAfterFailure(size_t index, std::string why, ComponentEvent event);
  void ArmWatchdog(size_t index);
  void StartNext();
  void FailStart(size_t index, absl::Status reason);
  void BeginStop();
  void StopNext();
  void Restart(size_t index);
  void SetTimer(size_t index, absl::Duration delay, ComponentEvent event);
  void CancelTimer(size_t index);
  void Publish(size_t index);
  void ReadSignals();

  std::vector<std::unique_ptr<SupervisedComponent>> components_;
  std::vector<size_t> stop_order_;
  SupervisorObserver* observer_;
  EventLoop loop_;
  UniqueFd signal_fd_;
  Phase phase_ = Phase::kStarting;
  size_t next_to_start_ = 0;
  size_t stop_cursor_ = 0;
  absl::Status start_error_;

  mutable absl::Mutex mu_;
  std::vector<ComponentStatus> published_ ABSL_GUARDED_BY(mu_);
};

}  // namespace stigmer::supervisor

#endif  // STIGMER_SUPERVISOR_SUPERVISOR_H_

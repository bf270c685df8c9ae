#ifndef STIGMER_DAEMON_DAEMON_STATE_H_
#define STIGMER_DAEMON_DAEMON_STATE_H_

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "stigmer/daemon/v1/control.pb.h"

namespace stigmer::daemon {

// What the daemon knows of itself and its components, shared between the supervisor's loop
// thread (which updates it) and the control API's threads (which read and watch it).
// Thread-safe.
class DaemonState {
 public:
  using Event = stigmer::daemon::v1::Event;
  using ComponentStatus = stigmer::daemon::v1::ComponentStatus;

  // One watcher's queue of events. Destroying it unsubscribes.
  class Subscription {
   public:
    // Use DaemonState::Subscribe.
    explicit Subscription(DaemonState* state) : state_(state) {}
    ~Subscription();
    // The next event, waiting up to `timeout`; nullopt on timeout or once the state is closed
    // and the queue is drained (then closed() is true).
    std::optional<Event> Next(absl::Duration timeout);
    bool closed() const;

   private:
    friend class DaemonState;
    DaemonState* state_;
    std::deque<Event> queue_;  // guarded by state_->mutex_
  };

  DaemonState(int supervisor_pid, std::string home);

  // Replaces a component's status (matched by name) and tells every watcher.
  void UpdateComponent(const ComponentStatus& status);
  // Forgets the components not in `names` (a restart whose configuration dropped one, such as
  // llm when llm.provider is no longer `local`).
  void RetainComponents(const std::vector<std::string>& names);
  void SetPhase(std::string phase);
  void FinishStart(const stigmer::daemon::v1::StartFinished& result);
  // Tells watchers the daemon is exiting and ends every subscription.
  void Close();

  stigmer::daemon::v1::GetStatusResponse Snapshot() const;

  // Starts watching: the queue begins with every component's current status (and the start
  // result if the start already ended), then receives every later change. None is missed.
  std::unique_ptr<Subscription> Subscribe();

 private:
  void PublishLocked(const Event& event) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  mutable absl::Mutex mutex_;
  stigmer::daemon::v1::GetStatusResponse status_ ABSL_GUARDED_BY(mutex_);
  std::optional<stigmer::daemon::v1::StartFinished> start_result_ ABSL_GUARDED_BY(mutex_);
  std::vector<Subscription*> subscribers_ ABSL_GUARDED_BY(mutex_);
  bool closed_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace stigmer::daemon

#endif  // STIGMER_DAEMON_DAEMON_STATE_H_

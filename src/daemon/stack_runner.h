#ifndef STIGMER_DAEMON_STACK_RUNNER_H_
#define STIGMER_DAEMON_STACK_RUNNER_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "daemon/component_profile.h"
#include "supervisor/supervisor.h"

namespace stigmer::daemon {

// Runs the stack, one Supervisor at a time. Restarting every component is a new round: the
// running supervisor stops them all in stop order, the profile is built again (the
// configuration is read again), and a new supervisor starts them in start order, each once the
// one before is ready. Restarting one component is the running supervisor's own restart.
class StackRunner {
 public:
  // Builds the profile from the configuration as it is now.
  using ProfileSource = std::function<absl::StatusOr<StackProfile>()>;
  // Called on Run's thread as each round begins, the first included, with its profile.
  using RoundCallback = std::function<void(const StackProfile& profile)>;
  // Called once, when the stop of the stack begins (RequestStop, or SIGTERM/SIGINT), before any
  // component is signalled; on the thread that asked for it, or on Run's thread for a signal.
  // Not called for the stop between the rounds of a restart of all.
  using StopCallback = std::function<void()>;

  // `observer` (may be null) watches every round's supervisor; it must outlive Run().
  StackRunner(ProfileSource source, supervisor::SupervisorObserver* observer,
              RoundCallback on_round = nullptr, StopCallback on_stop = nullptr);
  StackRunner(const StackRunner&) = delete;
  StackRunner& operator=(const StackRunner&) = delete;

  // Runs rounds on the calling thread, starting with `first`, until a stop: OK after
  // RequestStop (or SIGTERM/SIGINT), a round's start failure otherwise (see Supervisor::Run).
  // REQUIRES: as Supervisor::Run; called at most once.
  absl::Status Run(StackProfile first);

  // Thread-safe. `name` "" restarts every component: the profile is built first, and if that
  // fails its error comes back and nothing is stopped. A name restarts that component alone
  // (NotFound "unknown component \"NAME\"" when the profile has none). FailedPrecondition once
  // a stop was requested, or while a restart of all is between rounds.
  absl::Status RequestRestart(const std::string& name);

  // Thread-safe: stop everything in stop order; Run returns.
  void RequestStop();

 private:
  // Passes every round's supervisor events on to the observer, and turns a stop signal into
  // the stop of the stack (a signal during a restart of all must not start the next round).
  class RoundObserver final : public supervisor::SupervisorObserver {
   public:
    explicit RoundObserver(StackRunner* runner) : runner_(runner) {}
    void OnStatusChanged(const supervisor::ComponentStatus& status) override;
    void OnAllReady() override;
    void OnStopSignal() override;

   private:
    StackRunner* runner_;
  };

  // Marks the stack as stopping; true the first time.
  bool BeginStackStop();

  const ProfileSource source_;
  supervisor::SupervisorObserver* const observer_;
  const RoundCallback on_round_;
  const StopCallback on_stop_;
  RoundObserver round_observer_{this};

  absl::Mutex mutex_;
  supervisor::Supervisor* current_ ABSL_GUARDED_BY(mutex_) = nullptr;
  std::vector<std::string> names_ ABSL_GUARDED_BY(mutex_);    // of the running round
  std::optional<StackProfile> next_ ABSL_GUARDED_BY(mutex_);  // a restart of all asked for
  bool stop_requested_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace stigmer::daemon

#endif  // STIGMER_DAEMON_STACK_RUNNER_H_

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

  // `observer` (may be null) watches every round's supervisor; it must outlive Run().
  StackRunner(ProfileSource source, supervisor::SupervisorObserver* observer,
              RoundCallback on_round = nullptr);
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
  const ProfileSource source_;
  supervisor::SupervisorObserver* const observer_;
  const RoundCallback on_round_;

  absl::Mutex mutex_;
  supervisor::Supervisor* current_ ABSL_GUARDED_BY(mutex_) = nullptr;
  std::vector<std::string> names_ ABSL_GUARDED_BY(mutex_);    // of the running round
  std::optional<StackProfile> next_ ABSL_GUARDED_BY(mutex_);  // a restart of all asked for
  bool stop_requested_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace stigmer::daemon

#endif  // STIGMER_DAEMON_STACK_RUNNER_H_

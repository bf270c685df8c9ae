#ifndef STIGMER_SUPERVISOR_RESTART_BACKOFF_H_
#define STIGMER_SUPERVISOR_RESTART_BACKOFF_H_

#include <deque>

#include "absl/time/time.h"
#include "supervisor/component_spec.h"

namespace stigmer::supervisor {

// Spaces the restarts of one component and detects a crash loop. Pure: the caller passes the
// times, so tests inject them. Not thread-safe (the supervisor's loop thread owns it).
//
// Delays: initial_delay, doubling per consecutive failure, capped at max_delay. A run that lasted
// at least reset_after before failing starts the sequence again at initial_delay.
// Crash loop: the fatal_failures-th failure within fatal_window is fatal.
class RestartBackoff {
 public:
  explicit RestartBackoff(RestartPolicy policy) : policy_(policy) {}

  struct Decision {
    bool fatal = false;
    absl::Duration delay;  // before the next spawn; meaningful when !fatal
  };

  // Records one failure of a run that began at `run_started` and failed at `now`.
  Decision RecordFailure(absl::Time run_started, absl::Time now);

  // Forgets all failures (after a manual restart).
  void Reset();

  int consecutive_failures() const { return consecutive_; }

 private:
  RestartPolicy policy_;
  int consecutive_ = 0;
  std::deque<absl::Time> recent_failures_;  // within fatal_window of the last failure
};

}  // namespace stigmer::supervisor

#endif  // STIGMER_SUPERVISOR_RESTART_BACKOFF_H_

#ifndef STIGMER_TEMPORAL_RECONNECT_BACKOFF_H_
#define STIGMER_TEMPORAL_RECONNECT_BACKOFF_H_

#include "absl/time/time.h"

namespace stigmer::temporal {

// How long to wait before the next attempt to reach Temporal: `initial` after the first
// failure, doubling after each further failure up to `cap`; Reset() after a success.
// Not thread-safe; each polling loop owns one.
class ReconnectBackoff {
 public:
  explicit ReconnectBackoff(absl::Duration initial = absl::Milliseconds(100),
                            absl::Duration cap = absl::Seconds(5))
      : initial_(initial), cap_(cap), next_(initial) {}

  // The delay to wait now; advances the schedule.
  absl::Duration NextDelay();

  // Back to `initial`.
  void Reset() { next_ = initial_; }

 private:
  absl::Duration initial_;
  absl::Duration cap_;
  absl::Duration next_;
};

}  // namespace stigmer::temporal

#endif  // STIGMER_TEMPORAL_RECONNECT_BACKOFF_H_

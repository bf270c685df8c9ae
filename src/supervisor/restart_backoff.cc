#include "supervisor/restart_backoff.h"

#include <algorithm>

namespace stigmer::supervisor {

RestartBackoff::Decision RestartBackoff::RecordFailure(absl::Time run_started, absl::Time now) {
  if (now - run_started >= policy_.reset_after) Reset();

  recent_failures_.push_back(now);
  while (!recent_failures_.empty() && now - recent_failures_.front() >= policy_.fatal_window) {
    recent_failures_.pop_front();
  }
  Decision decision;
  decision.fatal = policy_.fatal_failures > 0 &&
                   static_cast<int>(recent_failures_.size()) >= policy_.fatal_failures;

  absl::Duration delay = policy_.initial_delay;
  for (int i = 0; i < consecutive_ && delay < policy_.max_delay; ++i) delay *= 2;
  decision.delay = std::min(delay, policy_.max_delay);
  ++consecutive_;
  return decision;
}

void RestartBackoff::Reset() {
  consecutive_ = 0;
  recent_failures_.clear();
}

}  // namespace stigmer::supervisor

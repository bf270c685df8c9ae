#include "temporal/poller_progress.h"

#include <algorithm>
#include <limits>

#include "absl/time/clock.h"

namespace stigmer::temporal {
namespace {

thread_local std::atomic<int64_t>* current_slot = nullptr;

}  // namespace

PollerProgress::PollerProgress(size_t threads)
    : threads_(threads), ticks_(std::make_unique<std::atomic<int64_t>[]>(threads)) {
  const int64_t now = absl::ToUnixNanos(absl::Now());
  for (size_t i = 0; i < threads_; ++i) ticks_[i].store(now);
}

void PollerProgress::Attach(size_t index) {
  current_slot = &ticks_[index];
  NotePollerProgress();
}

absl::Time PollerProgress::Oldest() const {
  int64_t oldest = std::numeric_limits<int64_t>::max();
  for (size_t i = 0; i < threads_; ++i) oldest = std::min(oldest, ticks_[i].load());
  return threads_ == 0 ? absl::Now() : absl::FromUnixNanos(oldest);
}

void NotePollerProgress() {
  if (current_slot != nullptr) current_slot->store(absl::ToUnixNanos(absl::Now()));
}

}  // namespace stigmer::temporal

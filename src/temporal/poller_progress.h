#ifndef STIGMER_TEMPORAL_POLLER_PROGRESS_H_
#define STIGMER_TEMPORAL_POLLER_PROGRESS_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/time/time.h"

namespace stigmer::temporal {

// When each polling thread of a worker last showed it is not wedged: a thread ticks its own
// slot around every poll, and a task handler ticks it while a long task makes progress (an
// activity's heartbeat, through NotePollerProgress). The worker's heartbeat to its supervisor
// is written only while every slot ticked recently (see WorkerHeartbeat).
//
// Thread-safe: each slot is an atomic; Attach from the thread that then ticks.
class PollerProgress {
 public:
  explicit PollerProgress(size_t threads);

  // Binds the calling thread to slot `index` (NotePollerProgress then ticks it) and ticks it.
  // REQUIRES: index < threads.
  void Attach(size_t index);

  // The time of the least recent tick over all slots; slots not attached yet count as ticked
  // at construction.
  absl::Time Oldest() const;

 private:
  const size_t threads_;
  std::unique_ptr<std::atomic<int64_t>[]> ticks_;  // absl::ToUnixNanos
};

// Ticks the slot the calling thread is attached to; no-op on any other thread.
void NotePollerProgress();

}  // namespace stigmer::temporal

#endif  // STIGMER_TEMPORAL_POLLER_PROGRESS_H_

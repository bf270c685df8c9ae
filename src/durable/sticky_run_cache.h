#ifndef STIGMER_DURABLE_STICKY_RUN_CACHE_H_
#define STIGMER_DURABLE_STICKY_RUN_CACHE_H_

// The histories of the runs a worker keeps between their workflow tasks (sticky execution):
// Temporal then sends this worker only each task's new events, and the run is replayed from the
// cached events plus those. Bounded in runs and in bytes; the least recently answered run goes
// first.

#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "durable/replay_history.h"

namespace stigmer::durable {

class StickyRunCache {
 public:
  // REQUIRES: max_runs > 0.
  StickyRunCache(size_t max_runs, size_t max_bytes) : max_runs_(max_runs), max_bytes_(max_bytes) {}
  StickyRunCache(const StickyRunCache&) = delete;
  StickyRunCache& operator=(const StickyRunCache&) = delete;

  // Keeps the history of run `key` (replacing what was there), then drops the least recently put
  // runs until both bounds hold; returns the keys dropped so (not `key`, unless its history alone
  // is over max_bytes: then it is not kept and is returned).
  std::vector<std::string> Put(const std::string& key, std::vector<HistoryEvent> events);

  // The history of run `key`, removed from the cache (one task of a run is handled at a time);
  // nullopt when there is none.
  std::optional<std::vector<HistoryEvent>> Take(const std::string& key);

  size_t runs() const;
  size_t bytes() const;

 private:
  struct Entry {
    std::string key;
    std::vector<HistoryEvent> events;
    size_t bytes = 0;
  };
  void EraseLocked(std::list<Entry>::iterator entry) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const size_t max_runs_;
  const size_t max_bytes_;
  mutable absl::Mutex mutex_;
  std::list<Entry> entries_ ABSL_GUARDED_BY(mutex_);  // most recently put first
  absl::flat_hash_map<std::string, std::list<Entry>::iterator> index_ ABSL_GUARDED_BY(mutex_);
  size_t bytes_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace stigmer::durable

#endif  // STIGMER_DURABLE_STICKY_RUN_CACHE_H_

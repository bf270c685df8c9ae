#ifndef STIGMER_COMMON_BOUNDED_LRU_CACHE_H_
#define STIGMER_COMMON_BOUNDED_LRU_CACHE_H_

// A thread-safe cache of shared values, bounded both in entries and in (approximate) bytes;
// the least recently put entry goes first when a bound is reached.

#include <cstddef>
#include <iterator>
#include <list>
#include <memory>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace stigmer {

// `Key` must be hashable by absl::Hash (strings, tuples of strings...).
template <typename Key, typename Value>
class BoundedLruCache {
 public:
  // REQUIRES: max_entries > 0.
  BoundedLruCache(size_t max_entries, size_t max_bytes)
      : max_entries_(max_entries), max_bytes_(max_bytes) {}
  BoundedLruCache(const BoundedLruCache&) = delete;
  BoundedLruCache& operator=(const BoundedLruCache&) = delete;

  // Keeps `value`, said to weigh `bytes`, under `key` (replacing what was there), then drops the
  // oldest entries until both bounds hold. A value heavier than max_bytes is not kept.
  void Put(const Key& key, std::shared_ptr<const Value> value, size_t bytes) {
    absl::MutexLock lock(&mutex_);
    EraseLocked(key);
    if (bytes > max_bytes_) return;
    entries_.push_front(Entry{key, std::move(value), bytes});
    index_[key] = entries_.begin();
    bytes_ += bytes;
    while (entries_.size() > max_entries_ || bytes_ > max_bytes_) {
      EraseLocked(entries_.back().key);
    }
  }

  // The value under `key`, removed from the cache; null when there is none.
  std::shared_ptr<const Value> Take(const Key& key) {
    absl::MutexLock lock(&mutex_);
    auto found = index_.find(key);
    if (found == index_.end()) return nullptr;
    std::shared_ptr<const Value> value = std::move(found->second->value);
    EraseLocked(key);
    return value;
  }

  size_t size() const {
    absl::MutexLock lock(&mutex_);
    return entries_.size();
  }
  size_t bytes() const {
    absl::MutexLock lock(&mutex_);
    return bytes_;
  }

 private:
  struct Entry {
    Key key;
    std::shared_ptr<const Value> value;
    size_t bytes;
  };

  void EraseLocked(const Key& key) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    auto found = index_.find(key);
    if (found == index_.end()) return;
    bytes_ -= found->second->bytes;
    entries_.erase(found->second);
    index_.erase(found);
  }

  const size_t max_entries_;
  const size_t max_bytes_;
  mutable absl::Mutex mutex_;
  std::list<Entry> entries_ ABSL_GUARDED_BY(mutex_);  // most recently put first
  absl::flat_hash_map<Key, typename std::list<Entry>::iterator> index_ ABSL_GUARDED_BY(mutex_);
  size_t bytes_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace stigmer

#endif  // STIGMER_COMMON_BOUNDED_LRU_CACHE_H_

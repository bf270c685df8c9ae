#include "durable/sticky_run_cache.h"

#include <utility>

namespace stigmer::durable {

std::vector<std::string> StickyRunCache::Put(const std::string& key,
                                             std::vector<HistoryEvent> events) {
  size_t bytes = 0;
  for (const HistoryEvent& event : events) bytes += event.ByteSizeLong();
  absl::MutexLock lock(&mutex_);
  if (auto found = index_.find(key); found != index_.end()) EraseLocked(found->second);
  if (bytes > max_bytes_) return {key};
  entries_.push_front(Entry{key, std::move(events), bytes});
  index_[key] = entries_.begin();
  bytes_ += bytes;
  std::vector<std::string> dropped;
  while (entries_.size() > max_runs_ || bytes_ > max_bytes_) {
    dropped.push_back(entries_.back().key);
    EraseLocked(std::prev(entries_.end()));
  }
  return dropped;
}

std::optional<std::vector<HistoryEvent>> StickyRunCache::Take(const std::string& key) {
  absl::MutexLock lock(&mutex_);
  auto found = index_.find(key);
  if (found == index_.end()) return std::nullopt;
  std::vector<HistoryEvent> events = std::move(found->second->events);
  EraseLocked(found->second);
  return events;
}

size_t StickyRunCache::runs() const {
  absl::MutexLock lock(&mutex_);
  return entries_.size();
}

size_t StickyRunCache::bytes() const {
  absl::MutexLock lock(&mutex_);
  return bytes_;
}

void StickyRunCache::EraseLocked(std::list<Entry>::iterator entry) {
  bytes_ -= entry->bytes;
  index_.erase(entry->key);
  entries_.erase(entry);
}

}  // namespace stigmer::durable

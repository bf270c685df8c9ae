#include "server/execution_watch_hub.h"

namespace stigmer::server {

ExecutionWatchHub::Watch::~Watch() {
  absl::MutexLock lock(&hub_->mutex_);
  auto it = hub_->entries_.find(id_);
  if (it != hub_->entries_.end() && --it->second.watchers == 0) hub_->entries_.erase(it);
}

bool ExecutionWatchHub::Watch::closed() const {
  absl::MutexLock lock(&hub_->mutex_);
  return hub_->closed_;
}

std::optional<stigmer::v1::Execution> ExecutionWatchHub::Watch::Next(absl::Duration timeout) {
  absl::MutexLock lock(&hub_->mutex_);
  auto newer = [this]() ABSL_SHARED_LOCKS_REQUIRED(hub_->mutex_) {
    if (hub_->closed_) return true;
    auto it = hub_->entries_.find(id_);
    return it != hub_->entries_.end() && it->second.generation > seen_;
  };
  hub_->mutex_.AwaitWithTimeout(absl::Condition(&newer), timeout);
  auto it = hub_->entries_.find(id_);
  if (hub_->closed_ || it == hub_->entries_.end() || it->second.generation <= seen_) {
    return std::nullopt;
  }
  seen_ = it->second.generation;
  return it->second.latest;
}

absl::StatusOr<std::unique_ptr<ExecutionWatchHub::Watch>> ExecutionWatchHub::Subscribe(
    const std::string& id, const std::function<absl::StatusOr<stigmer::v1::Execution>()>& load) {
  absl::MutexLock lock(&mutex_);
  Entry& entry = entries_[id];
  if (entry.watchers == 0) {
    absl::StatusOr<stigmer::v1::Execution> current = load();
    if (!current.ok()) {
      entries_.erase(id);
      return current.status();
    }
    entry.latest = *std::move(current);
    entry.generation = 1;
  }
  ++entry.watchers;
  return std::make_unique<Watch>(this, id);
}

void ExecutionWatchHub::Publish(const stigmer::v1::Execution& execution) {
  absl::MutexLock lock(&mutex_);
  auto it = entries_.find(execution.id());
  if (it == entries_.end()) return;  // nobody watches it
  it->second.latest = execution;
  ++it->second.generation;
}

void ExecutionWatchHub::Close() {
  absl::MutexLock lock(&mutex_);
  closed_ = true;
}

}  // namespace stigmer::server

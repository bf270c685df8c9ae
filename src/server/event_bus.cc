#include "server/event_bus.h"

#include "absl/time/clock.h"
#include "common/cloud_event.h"
#include "spdlog/spdlog.h"

namespace stigmer::server {

absl::StatusOr<EventBus::Accepted> EventBus::Publish(const nlohmann::json& event) {
  if (absl::Status valid = ValidateCloudEvent(event); !valid.ok()) return valid;
  const std::string& id = event["id"].get_ref<const std::string&>();
  const std::string& source = event["source"].get_ref<const std::string&>();
  absl::StatusOr<store::StoredEvent> stored = store_->InsertEvent(
      source, id, event["type"].get_ref<const std::string&>(), event.dump(), absl::Now());
  if (!stored.ok()) return stored.status();
  if (stored->duplicate) {
    spdlog::info("event {} from {} was already accepted", id, source);
  } else {
    spdlog::info("accepted event {} from {} (#{})", id, source, stored->sequence);
    std::vector<std::function<void()>> listeners;
    {
      absl::MutexLock lock(&mutex_);
      listeners = listeners_;
    }
    for (const auto& listener : listeners) listener();
  }
  return Accepted{id, source, stored->sequence, stored->duplicate};
}

void EventBus::OnNewEvent(std::function<void()> on_new_event) {
  absl::MutexLock lock(&mutex_);
  listeners_.push_back(std::move(on_new_event));
}

}  // namespace stigmer::server

#include "server/event_delivery.h"

#include <iterator>

#include "common/cloud_event.h"
#include "common/json_fields.h"
#include "durable/replay_history.h"
#include "spdlog/spdlog.h"
#include "temporal/payloads.h"
#include "workflow/event_filter.h"

namespace stigmer::server {
namespace {

// Events read from the store at a time.
constexpr int kPageSize = 200;

bool ClosesTheRun(const temporal::HistoryEvent& event) {
  return event.has_workflow_execution_completed_event_attributes() ||
         event.has_workflow_execution_failed_event_attributes() ||
         event.has_workflow_execution_timed_out_event_attributes() ||
         event.has_workflow_execution_canceled_event_attributes() ||
         event.has_workflow_execution_terminated_event_attributes();
}

// The first payload under `key` of a marker's details, or null.
nlohmann::json MarkerData(const ::temporal::api::history::v1::MarkerRecordedEventAttributes& marker,
                          const char* key) {
  const auto details = marker.details().find(key);
  if (details == marker.details().end()) return nullptr;
  absl::StatusOr<nlohmann::json> data = temporal::DecodeJsonPayloadAt(details->second, 0);
  return data.ok() ? *data : nullptr;
}

bool MayMatch(const nlohmann::json& filters, bool every_event, const nlohmann::json& event) {
  if (every_event) return true;
  for (const nlohmann::json& with : filters) {
    if (workflow::EventMayMatchFilter(with, event)) return true;
  }
  return false;
}

}  // namespace

EventDelivery::EventDelivery(store::Store* store, Options options)
    : store_(store), options_(std::move(options)) {}

EventDelivery::~EventDelivery() { Shutdown(); }

void EventDelivery::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void EventDelivery::Shutdown() {
  {
    absl::MutexLock lock(&mutex_);
    shut_down_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void EventDelivery::Wake() {
  absl::MutexLock lock(&mutex_);
  wake_ = true;
}

size_t EventDelivery::OpenWaits() {
  absl::MutexLock lock(&mutex_);
  size_t open = 0;
  for (const auto& [id, waiting] : executions_) open += waiting.waits.size();
  return open;
}

void EventDelivery::OnHistory(const std::string& id,
                              const std::vector<temporal::HistoryEvent>& events) {
  absl::MutexLock lock(&mutex_);
  for (const temporal::HistoryEvent& event : events) {
    if (ClosesTheRun(event)) {
      executions_.erase(id);
      continue;
    }
    if (event.has_marker_recorded_event_attributes()) {
      const auto& marker = event.marker_recorded_event_attributes();
      if (marker.marker_name() == durable::kTaskMarkerName) {
        auto it = executions_.find(id);
        if (it == executions_.end()) continue;
        it->second.waits.erase(
            StringAt(MarkerData(marker, durable::kTaskMarkerDetailsKey), "path"));
        continue;
      }
      if (marker.marker_name() != kEventSignalName) continue;
      const nlohmann::json data = MarkerData(marker, durable::kMarkerDetailsKey);
      if (!data.is_object() || !data["listen"].is_object()) continue;
      const nlohmann::json& listen = data["listen"];
      Wait wait;
      wait.filters = listen.value("filters", nlohmann::json::array());
      wait.every_event = listen.value("every_event", false);
      wait.since_ms = IntegerAt(listen, "since_ms");
      const std::string path = StringAt(data, "path");
      Waiting& waiting = executions_[id];
      auto open = waiting.waits.find(path);
      if (data.value(durable::kContinuesWaitKey, false) && open != waiting.waits.end() &&
          open->second.since_ms == wait.since_ms) {
        continue;  // the same listen's next event: what was sent to it still counts
      }
      waiting.waits[path] = std::move(wait);
      // A signal that came before this marker is not for this wait: what the listen did not take
      // is sent again.
      for (auto it = waiting.delivered.begin(); it != waiting.delivered.end();) {
        it = it->first == path ? waiting.delivered.erase(it) : std::next(it);
      }
      for (const nlohmann::json& sequence : listen.value("taken", nlohmann::json::array())) {
        if (sequence.is_number_integer()) waiting.delivered.emplace(path, sequence.get<int64_t>());
      }
      wake_ = true;
      continue;
    }
    if (event.has_workflow_execution_signaled_event_attributes()) {
      const auto& signal = event.workflow_execution_signaled_event_attributes();
      if (signal.signal_name() != kEventSignalName) continue;
      absl::StatusOr<nlohmann::json> payload = temporal::DecodeJsonPayloadAt(signal.input(), 0);
      if (!payload.ok()) continue;
      executions_[id].delivered.emplace(StringAt(*payload, "path"),
                                        IntegerAt(*payload, "sequence"));
    }
  }
}

absl::StatusOr<std::shared_ptr<temporal::TemporalClient>> EventDelivery::Client() {
  absl::MutexLock lock(&client_mutex_);
  if (client_ != nullptr) return client_;
  temporal::TemporalClientOptions client_options;
  client_options.address = options_.temporal_address;
  client_options.codec = options_.payload_codec;
  absl::StatusOr<std::unique_ptr<temporal::TemporalClient>> client =
      temporal::TemporalClient::Connect(client_options, options_.connect_timeout);
  if (!client.ok()) return client.status();
  client_ = std::move(*client);
  return client_;
}

bool EventDelivery::DeliverOnce() {
  struct Cursor {
    std::string execution, path;
    Wait wait;
  };
  std::vector<Cursor> cursors;
  {
    absl::MutexLock lock(&mutex_);
    for (const auto& [id, waiting] : executions_) {
      for (const auto& [path, wait] : waiting.waits) cursors.push_back({id, path, wait});
    }
  }
  bool all_sent = true;
  for (Cursor& cursor : cursors) {
    while (true) {
      absl::StatusOr<std::vector<store::StoredEvent>> page =
          store_->ListEventsAfter(cursor.wait.cursor, kPageSize);
      if (!page.ok()) {
        spdlog::error("cannot read events: {}", page.status().ToString());
        return false;
      }
      int64_t reached = cursor.wait.cursor;
      bool sent_all = true;
      bool gone = false;
      for (const store::StoredEvent& stored : *page) {
        const nlohmann::json event = nlohmann::json::parse(stored.envelope, nullptr, false);
        bool wanted = absl::ToUnixMillis(stored.accepted_at) >= cursor.wait.since_ms &&
                      MayMatch(cursor.wait.filters, cursor.wait.every_event, event);
        if (wanted) {
          absl::MutexLock lock(&mutex_);
          auto execution = executions_.find(cursor.execution);
          wanted = execution != executions_.end() &&
                   !execution->second.delivered.contains({cursor.path, stored.sequence});
        }
        if (wanted) {
          absl::StatusOr<std::shared_ptr<temporal::TemporalClient>> client = Client();
          absl::Status sent =
              client.ok()
                  ? (*client)->SignalWorkflow(
                        cursor.execution, "", kEventSignalName,
                        {{"sequence", stored.sequence}, {"path", cursor.path}, {"event", event}})
                  : client.status();
          if (absl::IsNotFound(sent)) {  // the run has ended
            absl::MutexLock lock(&mutex_);
            executions_.erase(cursor.execution);
            gone = true;
            break;
          }
          if (!sent.ok()) {
            spdlog::warn("cannot deliver event #{} to {}: {}; retrying", stored.sequence,
                         cursor.execution, sent.ToString());
            sent_all = false;
            break;
          }
          absl::MutexLock lock(&mutex_);
          auto execution = executions_.find(cursor.execution);
          if (execution != executions_.end()) {
            execution->second.delivered.emplace(cursor.path, stored.sequence);
          }
        }
        reached = stored.sequence;
      }
      {
        absl::MutexLock lock(&mutex_);
        auto execution = executions_.find(cursor.execution);
        if (execution != executions_.end()) {
          auto wait = execution->second.waits.find(cursor.path);
          if (wait != execution->second.waits.end() &&
              wait->second.since_ms == cursor.wait.since_ms && wait->second.cursor < reached) {
            wait->second.cursor = reached;
          }
        }
      }
      cursor.wait.cursor = reached;
      if (!sent_all) all_sent = false;
      if (gone || !sent_all || page->size() < static_cast<size_t>(kPageSize)) break;
    }
  }
  return all_sent;
}

void EventDelivery::Loop() {
  while (true) {
    {
      absl::MutexLock lock(&mutex_);
      auto woken = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return wake_ || shut_down_; };
      mutex_.AwaitWithTimeout(absl::Condition(&woken), options_.retry_interval);
      if (shut_down_) return;
      wake_ = false;
    }
    DeliverOnce();
  }
}

}  // namespace stigmer::server

#include "testing/closed_history.h"

#include <utility>

#include "temporal/payloads.h"
#include "testing/test_env.h"

namespace stigmer::testing {

using ::temporal::api::enums::v1::EventType;

std::vector<temporal::HistoryEvent> WaitClosedHistory(temporal::TemporalClient& client,
                                                      const std::string& id,
                                                      absl::Duration timeout) {
  std::vector<temporal::HistoryEvent> events;
  const bool closed = WaitFor(
      [&] {
        auto history = client.GetFullHistory(id);
        if (!history.ok() || history->empty()) return false;
        events = *std::move(history);
        const EventType last = events.back().event_type();
        return last == EventType::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED ||
               last == EventType::EVENT_TYPE_WORKFLOW_EXECUTION_FAILED;
      },
      timeout);
  if (!closed) events.clear();
  return events;
}

bool WaitForMarker(temporal::TemporalClient& client, const std::string& id,
                   const std::string& marker, absl::Duration timeout) {
  return WaitFor(
      [&] {
        auto history = client.GetFullHistory(id);
        if (!history.ok()) return false;
        for (const temporal::HistoryEvent& event : *history) {
          if (event.has_marker_recorded_event_attributes() &&
              event.marker_recorded_event_attributes().marker_name() == marker) {
            return true;
          }
        }
        return false;
      },
      timeout);
}

nlohmann::json CompletedOutput(const std::vector<temporal::HistoryEvent>& events) {
  if (events.empty() || !events.back().has_workflow_execution_completed_event_attributes()) {
    return "not completed";
  }
  auto output = temporal::DecodeJsonPayloadAt(
      events.back().workflow_execution_completed_event_attributes().result());
  return output.ok() ? *output : nlohmann::json("unreadable");
}

}  // namespace stigmer::testing

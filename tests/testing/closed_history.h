#ifndef STIGMER_TESTS_TESTING_CLOSED_HISTORY_H_
#define STIGMER_TESTS_TESTING_CLOSED_HISTORY_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "temporal/temporal_client.h"

namespace stigmer::testing {

// The history of workflow `id` once its last event closes it (completed or failed), waiting at
// most `timeout`; empty when it did not close by then.
std::vector<temporal::HistoryEvent> WaitClosedHistory(temporal::TemporalClient& client,
                                                      const std::string& id,
                                                      absl::Duration timeout);

// Whether workflow `id`'s history holds a marker named `marker` (e.g. "stigmer.event": the run
// listens) within `timeout`.
bool WaitForMarker(temporal::TemporalClient& client, const std::string& id,
                   const std::string& marker, absl::Duration timeout);

// The JSON result of a completed run's last event; "not completed" or "unreadable" otherwise.
nlohmann::json CompletedOutput(const std::vector<temporal::HistoryEvent>& events);

}  // namespace stigmer::testing

#endif  // STIGMER_TESTS_TESTING_CLOSED_HISTORY_H_

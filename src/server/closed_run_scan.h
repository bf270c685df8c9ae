#ifndef STIGMER_SERVER_CLOSED_RUN_SCAN_H_
#define STIGMER_SERVER_CLOSED_RUN_SCAN_H_

#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "temporal/history_cursor.h"
#include "temporal/temporal_client.h"

namespace stigmer::server {

// What no worker reports (a run terminated, timed out, or whose worker died between tasks),
// Temporal's visibility shows: the runs closed since the last scan, by their close time. Each scan
// starts where the last one that succeeded began, a few seconds earlier again (visibility may
// list a run a moment after it closed), so a run may be listed twice, and none closed after the
// first scan is missed. Not thread-safe: one scanning thread.
class ClosedRunScan {
 public:
  struct ClosedRun {
    std::string workflow_id;
    temporal::HistoryMark last;  // its run id and history length
  };

  explicit ClosedRunScan(absl::Duration call_timeout) : call_timeout_(call_timeout) {}

  // Calls `on_page` with each page of the runs closed since the last scan (since a moment ago,
  // the first time). When a page cannot be read, the next scan asks for the same window again.
  absl::Status Scan(temporal::TemporalClient& client,
                    absl::FunctionRef<void(const std::vector<ClosedRun>&)> on_page);

 private:
  const absl::Duration call_timeout_;
  absl::Time scanned_until_ = absl::InfinitePast();
};

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_CLOSED_RUN_SCAN_H_

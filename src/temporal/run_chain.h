#ifndef STIGMER_TEMPORAL_RUN_CHAIN_H_
#define STIGMER_TEMPORAL_RUN_CHAIN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "temporal/temporal_client.h"

namespace stigmer::temporal {

// Whether `event` closes its run (`*closed`) and, if so, the run Temporal continues with: the
// new run of a ContinuedAsNew, or of a Completed, Failed or TimedOut that a retry or cron
// continues; "" otherwise.
std::string NextRunId(const HistoryEvent& event, bool* closed);

// The history of a workflow's whole chain of runs as it is now: the first run, then each run a
// close event named (continue-as-new, retry, cron), up to the latest.
struct RunChainHistory {
  std::vector<HistoryEvent> events;  // every run's events, runs in order
  std::string last_run_id;           // the latest run read
  int64_t last_event_id = 0;         // the id of the latest run's last event read
  bool closed = false;               // the latest run closed and named no next run
};

// Reads the chain of `workflow_id` from its first run (DescribeWorkflowExecution's first_run_id)
// to its latest. NotFound when Temporal has no such workflow (in a namespace that answers). When an
// earlier run's history is gone (retention), the chain starts at the latest run instead. Other
// errors as GetHistory's; Cancelled once `canceller` (may be null) was cancelled.
absl::StatusOr<RunChainHistory> ReadRunChain(TemporalClient& client, const std::string& workflow_id,
                                             CallCanceller* canceller = nullptr);

}  // namespace stigmer::temporal

#endif  // STIGMER_TEMPORAL_RUN_CHAIN_H_

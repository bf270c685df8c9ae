#ifndef STIGMER_TEMPORAL_HISTORY_CURSOR_H_
#define STIGMER_TEMPORAL_HISTORY_CURSOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "temporal/temporal_client.h"

namespace stigmer::temporal {

// How far a history is known to reach: event `event_id` of run `run_id` exists (a worker
// answered the task before it, or visibility saw the run close with that many events).
struct HistoryMark {
  std::string run_id;    // empty: whichever run the cursor is on
  int64_t event_id = 0;  // 0: unknown
};

// Where a reader of one workflow's history has got to, across its chain of runs (continue-as-new,
// retry, cron), without a thread or a standing long poll: each Read returns the events after the
// last one returned, each exactly once, in order, and follows a close event that names a new
// run. Not thread-safe; cheap to keep for thousands of workflows.
class HistoryCursor {
 public:
  HistoryCursor() = default;
  // Starts after event `after_event_id` of `run_id` (empty: the latest run, resolved on first
  // Read); 0: from the run's first event.
  HistoryCursor(std::string workflow_id, std::string run_id, int64_t after_event_id = 0);

  // The events after the last ones returned. With a `mark` on the current run, reads until that
  // event (long-polling from the kept token, which answers at once while events are there);
  // without one (or for an older run), reads every page as it is now. `call_timeout` bounds each
  // call; a call that times out with nothing new ends the read with what it has. Errors as
  // TemporalClient::GetHistory's (NotFound: no such workflow); events read before an error are
  // kept for the next Read.
  absl::StatusOr<std::vector<HistoryEvent>> Read(TemporalClient& client, const HistoryMark& mark,
                                                 absl::Duration call_timeout);

  const std::string& workflow_id() const { return workflow_id_; }
  const std::string& run_id() const { return run_id_; }
  int64_t last_event_id() const { return last_event_id_; }
  // The last run closed and named no next run: nothing more will come.
  bool closed() const { return closed_; }
  // True once `mark` is read (or the chain has closed).
  bool Reached(const HistoryMark& mark) const;

 private:
  // Appends the events of `page` after the last returned to `out`; moves to the next run on a
  // close event that names one. True when the run changed or closed.
  bool Take(std::vector<HistoryEvent>& page, std::vector<HistoryEvent>* out);

  std::string workflow_id_;
  std::string run_id_;
  int64_t last_event_id_ = 0;
  std::string poll_token_;  // from the last long poll of run_id_; empty: from its first event
  bool closed_ = false;
  std::vector<HistoryEvent> unreturned_;  // read before a failed call
};

}  // namespace stigmer::temporal

#endif  // STIGMER_TEMPORAL_HISTORY_CURSOR_H_

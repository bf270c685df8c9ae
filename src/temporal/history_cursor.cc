#include "temporal/history_cursor.h"

#include <utility>

#include "temporal/run_chain.h"

namespace stigmer::temporal {

namespace {

// A history of more pages than this in one Read is read on at the next.
constexpr int kMaxCallsPerRead = 256;

}  // namespace

HistoryCursor::HistoryCursor(std::string workflow_id, std::string run_id, int64_t after_event_id)
    : workflow_id_(std::move(workflow_id)),
      run_id_(std::move(run_id)),
      last_event_id_(after_event_id) {}

bool HistoryCursor::Reached(const HistoryMark& mark) const {
  if (closed_) return true;
  return mark.event_id > 0 && (mark.run_id.empty() || mark.run_id == run_id_) &&
         last_event_id_ >= mark.event_id;
}

bool HistoryCursor::Take(std::vector<HistoryEvent>& page, std::vector<HistoryEvent>* out) {
  for (HistoryEvent& event : page) {
    if (event.event_id() <= last_event_id_) continue;
    last_event_id_ = event.event_id();
    bool closed = false;
    std::string next_run = NextRunId(event, &closed);
    out->push_back(std::move(event));
    if (!closed) continue;
    if (next_run.empty()) {
      closed_ = true;
    } else {
      run_id_ = std::move(next_run);
      last_event_id_ = 0;
      poll_token_.clear();
    }
    return true;
  }
  return false;
}

absl::StatusOr<std::vector<HistoryEvent>> HistoryCursor::Read(TemporalClient& client,
                                                              const HistoryMark& mark,
                                                              absl::Duration call_timeout) {
  std::vector<HistoryEvent> out = std::move(unreturned_);
  unreturned_.clear();
  auto fail = [&](absl::Status status) -> absl::Status {
    unreturned_ = std::move(out);
    return status;
  };
  for (int call = 0; call < kMaxCallsPerRead && !closed_; ++call) {
    if (run_id_.empty()) {
      absl::StatusOr<WorkflowDescription> description = client.Describe(workflow_id_);
      if (!description.ok()) return fail(description.status());
      run_id_ = description->run_id;
    }
    const bool mark_on_this_run =
        mark.event_id > 0 && (mark.run_id.empty() || mark.run_id == run_id_);
    if (mark_on_this_run) {
      if (last_event_id_ >= mark.event_id) break;
      // The events are there: a long poll from the kept token answers at once with them.
      absl::StatusOr<HistoryPage> page = client.GetHistory(workflow_id_, run_id_, poll_token_,
                                                           /*wait_new_event=*/true, call_timeout);
      if (!page.ok()) {
        if (absl::IsDeadlineExceeded(page.status())) break;
        if (absl::IsInvalidArgument(page.status()) && !poll_token_.empty()) {
          poll_token_.clear();  // Temporal no longer takes it: read the run again from its start
          continue;
        }
        return fail(page.status());
      }
      poll_token_ = std::move(page->next_page_token);
      const size_t before = out.size();
      if (!Take(page->events, &out) && out.size() == before) break;  // never spin on nothing
      continue;
    }
    // No mark on this run: read it as it is now, every page.
    std::string token;
    bool moved = false;
    do {
      absl::StatusOr<HistoryPage> page =
          client.GetHistory(workflow_id_, run_id_, token, /*wait_new_event=*/false, call_timeout);
      if (!page.ok()) return fail(page.status());
      token = std::move(page->next_page_token);
      moved = Take(page->events, &out);
    } while (!moved && !token.empty());
    if (!moved) break;  // the run is open and read as far as it goes
  }
  return out;
}

}  // namespace stigmer::temporal

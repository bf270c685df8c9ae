#include "temporal/history_follower.h"

#include <utility>

#include "spdlog/spdlog.h"
#include "temporal/run_chain.h"

namespace stigmer::temporal {

namespace {

// Failures that mean "Temporal is not there right now" rather than "this will never work".
bool IsTransient(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kCancelled:  // not ours: ours is checked first
      return true;
    default:
      return false;
  }
}

}  // namespace

HistoryFollower::HistoryFollower(std::shared_ptr<TemporalClient> client,
                                 HistoryFollowerOptions options, EventsCallback on_events,
                                 DoneCallback on_done)
    : client_(std::move(client)),
      options_(std::move(options)),
      on_events_(std::move(on_events)),
      on_done_(std::move(on_done)) {}

HistoryFollower::~HistoryFollower() { Stop(); }

void HistoryFollower::Start() {
  thread_ = std::thread([this] {
    const absl::Status status = Run();
    if (on_done_) on_done_(status);
    done_.store(true);
  });
}

void HistoryFollower::Stop() {
  if (!stop_requested_.HasBeenNotified()) stop_requested_.Notify();
  canceller_.Cancel();
  std::call_once(join_once_, [this] {
    if (thread_.joinable()) thread_.join();
  });
}

bool HistoryFollower::WaitBeforeRetry(ReconnectBackoff& backoff) {
  return !stop_requested_.WaitForNotificationWithTimeout(backoff.NextDelay());
}

absl::Status HistoryFollower::Run() {
  const absl::Status stopped =
      absl::CancelledError("stopped following the history of workflow " + options_.workflow_id);
  ReconnectBackoff backoff(options_.initial_backoff, options_.max_backoff);
  std::string run_id = options_.run_id;
  std::string token;
  int64_t last_event_id = options_.after_event_id;
  bool outage_logged = false;
  while (!stop_requested_.HasBeenNotified()) {
    if (run_id.empty()) {  // pin the latest run, so that a token always belongs to one run
      absl::StatusOr<WorkflowDescription> description = client_->Describe(options_.workflow_id);
      if (stop_requested_.HasBeenNotified()) break;
      if (!description.ok()) {
        if (!IsTransient(description.status().code())) return description.status();
        if (!WaitBeforeRetry(backoff)) break;
        continue;
      }
      run_id = description->run_id;
    }
    absl::StatusOr<HistoryPage> page =
        client_->GetHistory(options_.workflow_id, run_id, token, /*wait_new_event=*/true,
                            options_.poll_timeout, &canceller_);
    if (stop_requested_.HasBeenNotified()) break;
    if (!page.ok()) {
      const absl::StatusCode code = page.status().code();
      if (code == absl::StatusCode::kDeadlineExceeded) continue;
      if (code == absl::StatusCode::kInvalidArgument && !token.empty()) {
        token.clear();  // a stale token: read the run again, skipping what was delivered
        continue;
      }
      if (!IsTransient(code)) return page.status();
      spdlog::log(outage_logged ? spdlog::level::debug : spdlog::level::warn,
                  "following workflow {}: {}; retrying", options_.workflow_id,
                  page.status().ToString());
      outage_logged = true;
      if (!WaitBeforeRetry(backoff)) break;
      continue;
    }
    backoff.Reset();
    outage_logged = false;

    std::vector<HistoryEvent> fresh;
    std::string next_run_id;
    bool closed = false;
    for (HistoryEvent& event : page->events) {
      if (event.event_id() <= last_event_id) continue;
      last_event_id = event.event_id();
      next_run_id = NextRunId(event, &closed);
      fresh.push_back(std::move(event));
    }
    if (!fresh.empty() && on_events_) on_events_(run_id, fresh);
    if (closed) {
      if (next_run_id.empty()) return absl::OkStatus();
      run_id = std::move(next_run_id);
      token.clear();
      last_event_id = 0;
      continue;
    }
    token = std::move(page->next_page_token);
    // A complete history without a close event should not happen; never spin on it.
    if (token.empty() && fresh.empty() && !WaitBeforeRetry(backoff)) break;
  }
  return stopped;
}

}  // namespace stigmer::temporal

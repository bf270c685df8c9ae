#include "server/execution_tracker.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/proto_time.h"
#include "common/ulid.h"
#include "google/protobuf/util/time_util.h"
#include "server/execution_phase.h"
#include "server/store/page_token.h"
#include "spdlog/spdlog.h"
#include "temporal/run_chain.h"

namespace stigmer::server {

namespace {

using stigmer::v1::Execution;
namespace wfs = ::temporal::api::workflowservice::v1;

// Visibility may list a run a moment after it closed: each scan looks this far back again.
constexpr absl::Duration kVisibilityLag = absl::Seconds(5);
constexpr int kScanPageSize = 1000;
// A PENDING record is a Create between its insert and its start, or one that crashed there. A
// Create takes at most its connect and call timeouts (seconds); one pending this long has crashed.
constexpr absl::Duration kCreateGrace = absl::Minutes(1);
// A lost execution's record is final: no projection, however far, replaces it.
constexpr int64_t kLostProgress = std::numeric_limits<int64_t>::max();

// `record` listing `children` as the executions it started.
Execution WithChildRecords(Execution record, const std::vector<std::string>& children) {
  record.clear_child_executions();
  for (const std::string& child : children) record.add_child_executions(child);
  return record;
}

}  // namespace

struct ExecutionTracker::Tracked {
  enum class State { kStarting, kRebuild, kOpen };

  // Set once, or under mutex_ while no reader has the entry.
  std::string id;
  std::string workflow_id;
  State state = State::kOpen;
  // The reader's (one at a time, `reading`).
  ExecutionProjection projection;
  temporal::HistoryCursor cursor;
  std::unique_ptr<ChildProgress> children;
  ChildRunScanner child_runs;
  std::vector<std::string> child_records;
  int64_t progress = 0;  // history events projected, over the whole run chain
  bool done = false;     // closed (or lost) and published: forget it
  // Under mutex_.
  temporal::HistoryMark mark;                                // reported, not read yet
  std::map<std::string, temporal::HistoryMark> child_marks;  // by child workflow id
  bool catch_up = false;                                     // read as it is now
  bool listed_closed = false;     // visibility listed its run closed: maybe stored final elsewhere
  temporal::HistoryMark read_to;  // the cursor's place
  bool queued = false;
  bool reading = false;
  bool failed = false;
  absl::Time last_read = absl::Now();
};

ExecutionTracker::ExecutionTracker(store::Store* store, ExecutionWatchHub* hub, ClientSource client,
                                   ChildRecorder record_children, Options options)
    : store_(store),
      hub_(hub),
      client_(std::move(client)),
      record_children_(std::move(record_children)),
      options_(std::move(options)) {}

ExecutionTracker::~ExecutionTracker() { Shutdown(); }

void ExecutionTracker::Start() {
  for (int i = 0; i < options_.readers; ++i) threads_.emplace_back([this] { ReaderLoop(); });
  threads_.emplace_back([this] { ScanLoop(); });
}

void ExecutionTracker::Shutdown() {
  {
    absl::MutexLock lock(&mutex_);
    if (shut_down_) return;
    shut_down_ = true;
  }
  for (std::thread& thread : threads_) thread.join();
}

void ExecutionTracker::Track(const Execution& execution) {
  auto entry = std::make_unique<Tracked>();
  entry->id = execution.id();
  entry->workflow_id = execution.temporal_workflow_id();
  entry->state = Tracked::State::kStarting;
  absl::MutexLock lock(&mutex_);
  by_workflow_id_[entry->workflow_id] = entry->id;
  tracked_[entry->id] = std::move(entry);
}

void ExecutionTracker::Started(const Execution& execution, bool read_now) {
  absl::MutexLock lock(&mutex_);
  std::unique_ptr<Tracked>& slot = tracked_[execution.id()];
  if (slot == nullptr) {
    slot = std::make_unique<Tracked>();
    slot->id = execution.id();
    slot->workflow_id = execution.temporal_workflow_id();
    by_workflow_id_[slot->workflow_id] = slot->id;
  }
  Tracked& entry = *slot;
  entry.state = Tracked::State::kOpen;
  entry.projection = ExecutionProjection::FromStart(execution);
  entry.cursor = temporal::HistoryCursor(entry.workflow_id, execution.temporal_run_id());
  entry.children = std::make_unique<ChildProgress>(entry.workflow_id);
  entry.read_to = {execution.temporal_run_id(), 0};
  if (read_now) entry.catch_up = true;
  if (entry.catch_up || entry.mark.event_id > 0) Enqueue(entry);
}

void ExecutionTracker::Forget(const std::string& id) {
  absl::MutexLock lock(&mutex_);
  auto it = tracked_.find(id);
  if (it == tracked_.end() || it->second->reading || it->second->queued) return;
  by_workflow_id_.erase(it->second->workflow_id);
  tracked_.erase(it);
}

ExecutionTracker::Tracked* ExecutionTracker::Find(const std::string& workflow_id,
                                                  std::string* child_workflow) {
  if (auto it = by_workflow_id_.find(workflow_id); it != by_workflow_id_.end()) {
    return tracked_.at(it->second).get();
  }
  // An agent's child runs as "<parent's workflow id>/<step>#<n>" (durable/child_workflow.h).
  const size_t slash = workflow_id.find('/');
  if (slash == std::string::npos) return nullptr;
  auto it = by_workflow_id_.find(workflow_id.substr(0, slash));
  if (it == by_workflow_id_.end()) return nullptr;
  *child_workflow = workflow_id;
  return tracked_.at(it->second).get();
}

void ExecutionTracker::OnProgress(const std::string& workflow_id,
                                  const temporal::HistoryMark& mark) {
  {
    absl::MutexLock lock(&mutex_);
    if (shut_down_) return;
    std::string child;
    if (Tracked* entry = Find(workflow_id, &child); entry != nullptr) {
      if (!child.empty()) {
        entry->child_marks[child] = mark;
      } else if (entry->read_to.run_id != mark.run_id || entry->read_to.event_id < mark.event_id) {
        entry->mark = mark;
      } else {
        return;  // read already
      }
      if (entry->state != Tracked::State::kStarting) Enqueue(*entry);
      return;
    }
  }
  // Not tracked here: an execution another server created, or one not adopted yet. A workflow
  // stigmer did not start (its id is not an execution's) is not looked up.
  const std::string id = workflow_id.substr(0, workflow_id.find('/'));
  if (!IsExecutionId(id)) return;
  absl::StatusOr<Execution> stored = store_->GetExecution(id);
  if (!stored.ok() || IsTerminalPhase(stored->phase())) return;
  absl::MutexLock lock(&mutex_);
  if (!shut_down_) Adopt(*std::move(stored));
}

void ExecutionTracker::Enqueue(Tracked& entry) {
  if (entry.queued || entry.reading) return;  // a reader that has it queues it again when done
  entry.queued = true;
  queue_.push_back(entry.id);
}

void ExecutionTracker::ReaderLoop() {
  while (true) {
    Tracked* entry = nullptr;
    {
      absl::MutexLock lock(&mutex_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
        return shut_down_ || !queue_.empty();
      };
      mutex_.Await(absl::Condition(&ready));
      if (shut_down_) return;
      auto it = tracked_.find(queue_.front());
      queue_.pop_front();
      if (it == tracked_.end()) continue;
      entry = it->second.get();
      entry->queued = false;
      entry->reading = true;
    }
    Refresh(*entry);
    absl::MutexLock lock(&mutex_);
    entry->reading = false;
    entry->last_read = absl::Now();
    entry->read_to = {entry->cursor.run_id(), entry->cursor.last_event_id()};
    if (entry->done) {
      by_workflow_id_.erase(entry->workflow_id);
      tracked_.erase(entry->id);
    } else if (!entry->failed &&
               (entry->catch_up || !entry->child_marks.empty() ||
                (entry->mark.event_id > 0 && !entry->cursor.Reached(entry->mark)))) {
      Enqueue(*entry);  // reported while it was being read
    }
  }
}

void ExecutionTracker::Refresh(Tracked& entry) {
  temporal::HistoryMark mark;
  std::map<std::string, temporal::HistoryMark> child_marks;
  bool catch_up = false, listed_closed = false;
  {
    absl::MutexLock lock(&mutex_);
    mark = std::exchange(entry.mark, {});
    child_marks.swap(entry.child_marks);
    catch_up = std::exchange(entry.catch_up, false);
    listed_closed = std::exchange(entry.listed_closed, false);
  }
  // A whole read, or one of a run every server's close scan lists, may be one that a server
  // sharing the store has made already: its final record saves this server the history.
  if ((entry.state == Tracked::State::kRebuild || listed_closed) && StoredFinal(entry)) return;
  absl::Status status;
  absl::StatusOr<std::shared_ptr<temporal::TemporalClient>> client = client_();
  if (!client.ok()) {
    status = client.status();
  } else if (entry.state == Tracked::State::kRebuild) {
    status = Rebuild(entry, **client);
  } else {
    status = ReadOn(entry, **client, mark, catch_up, child_marks);
  }
  absl::MutexLock lock(&mutex_);
  entry.failed = !status.ok();
  if (entry.failed) {
    entry.catch_up = true;  // read it as it is once Temporal answers
    if (!outage_logged_) {
      spdlog::warn("cannot read the history of {} from Temporal yet: {}; retrying", entry.id,
                   status.ToString());
    }
    outage_logged_ = true;
  } else {
    outage_logged_ = false;
    retry_delay_ = options_.close_scan_interval;
  }
}

bool ExecutionTracker::StoredFinal(Tracked& entry) {
  absl::StatusOr<Execution> stored = store_->GetExecution(entry.id);
  if (!stored.ok() || !IsTerminalPhase(stored->phase())) return false;
  hub_->Publish(*stored);  // this server's watchers see the close all the same
  entry.done = true;
  return true;
}

absl::Status ExecutionTracker::Rebuild(Tracked& entry, temporal::TemporalClient& client) {
  absl::StatusOr<temporal::RunChainHistory> chain =
      temporal::ReadRunChain(client, entry.workflow_id);
  if (absl::IsNotFound(chain.status())) {
    MarkLost(entry);
    return absl::OkStatus();
  }
  if (!chain.ok()) return chain.status();
  if (chain->events.empty()) return absl::UnavailableError("Temporal returned no history yet");
  entry.projection = ExecutionProjection::FromStart(entry.projection.execution());
  entry.progress = 0;
  entry.children = std::make_unique<ChildProgress>(entry.workflow_id);
  entry.child_runs = ChildRunScanner();
  entry.child_records.clear();
  ApplyEvents(entry, client, chain->events);
  entry.cursor =
      temporal::HistoryCursor(entry.workflow_id, chain->last_run_id, chain->last_event_id);
  entry.state = Tracked::State::kOpen;
  entry.done = chain->closed;
  Publish(
      WithChildRecords(entry.children->Compose(entry.projection.execution()), entry.child_records),
      entry.progress);
  return absl::OkStatus();
}

absl::Status ExecutionTracker::ReadOn(
    Tracked& entry, temporal::TemporalClient& client, const temporal::HistoryMark& mark,
    bool catch_up, const std::map<std::string, temporal::HistoryMark>& children) {
  bool changed = false;
  auto read = [&](const temporal::HistoryMark& to) -> absl::Status {
    absl::StatusOr<std::vector<temporal::HistoryEvent>> events =
        entry.cursor.Read(client, to, options_.read_timeout);
    if (!events.ok()) return events.status();
    changed = changed || !events->empty();
    ApplyEvents(entry, client, *events);
    return absl::OkStatus();
  };
  absl::Status status = absl::OkStatus();
  if (catch_up) {
    status = read({});
  } else if (mark.event_id > 0 && !entry.cursor.Reached(mark)) {
    status = read(mark);
  }
  for (const auto& [workflow_id, child_mark] : children) {
    if (!status.ok()) break;
    if (!entry.children->Refresh(client, workflow_id, child_mark)) {
      status = read({});  // the parent's history names the child after the last read
      if (status.ok()) entry.children->Refresh(client, workflow_id, child_mark);
    }
    changed = true;
  }
  if (absl::IsNotFound(status)) {
    MarkLost(entry);
    return absl::OkStatus();
  }
  entry.done = entry.cursor.closed();
  if (changed) {
    Publish(WithChildRecords(entry.children->Compose(entry.projection.execution()),
                             entry.child_records),
            entry.progress);
  }
  return status;
}

void ExecutionTracker::ApplyEvents(Tracked& entry, temporal::TemporalClient& client,
                                   const std::vector<temporal::HistoryEvent>& events) {
  if (events.empty()) return;
  if (options_.on_history) options_.on_history(entry.id, events);
  entry.projection.Apply(events);
  entry.progress += static_cast<int64_t>(events.size());
  std::vector<ChildRun> runs = entry.child_runs.OnEvents(events);
  if (!runs.empty()) {
    for (const std::string& child :
         record_children_(entry.id, entry.projection.execution().workflow(), runs)) {
      std::vector<std::string>& known = entry.child_records;
      if (std::find(known.begin(), known.end(), child) == known.end()) known.push_back(child);
    }
  }
  entry.children->OnParentEvents(client, events);
}

void ExecutionTracker::MarkLost(Tracked& entry) {
  spdlog::warn("Temporal has no workflow {}: {} is lost", entry.workflow_id, entry.id);
  absl::StatusOr<Execution> stored = store_->GetExecution(entry.id);
  Execution record = stored.ok() ? *std::move(stored) : entry.projection.execution();
  record.set_phase(stigmer::v1::EXECUTION_PHASE_FAILED);
  stigmer::v1::ProblemDetails* error = record.mutable_error();
  error->Clear();
  error->set_title("Execution lost");
  error->set_detail(absl::StrCat("Temporal has no workflow ", entry.workflow_id,
                                 ": it never started, or Temporal's data was removed"));
  *record.mutable_ended_at() = ToProtoTimeMillis(absl::Now());
  Publish(record, kLostProgress);
  entry.done = true;
}

void ExecutionTracker::Publish(const Execution& record, int64_t progress) {
  absl::StatusOr<bool> stored = store_->UpdateExecution(record, progress);
  if (!stored.ok()) {
    spdlog::error("cannot store {}: {}", record.id(), stored.status().ToString());
    return;
  }
  // Not stored: a server sharing the store has read further; this one's watchers see that
  // when it reads on.
  if (!*stored) return;
  hub_->Publish(record);  // records held here come from the store: secrets already masked
}

bool ExecutionTracker::AdoptOpenRecords() {
  // A page at a time, so that the store serves its other callers between pages (one list of ten
  // thousand records held it for 50–80 ms).
  for (stigmer::v1::ExecutionPhase phase : kOpenPhases) {
    store::ExecutionFilter filter;
    filter.phase = phase;
    filter.page_size = store::kMaxPageSize;
    do {
      absl::StatusOr<store::ExecutionPage> page = store_->ListExecutions(filter);
      if (!page.ok()) {
        spdlog::error("cannot list open executions: {}", page.status().ToString());
        return false;
      }
      const google::protobuf::Timestamp creating_since =
          ToProtoTimeMillis(absl::Now() - kCreateGrace);
      absl::MutexLock lock(&mutex_);
      if (shut_down_) return true;
      for (Execution& record : page->executions) {
        // Another server's Create in flight: its run is not in Temporal yet, and a read now
        // would mark it lost for good.
        if (record.phase() == stigmer::v1::EXECUTION_PHASE_PENDING &&
            record.created_at() > creating_since) {
          continue;
        }
        Adopt(std::move(record));
      }
      filter.page_token = std::move(page->next_page_token);
    } while (!filter.page_token.empty());
  }
  return true;
}

void ExecutionTracker::Adopt(Execution record) {
  if (tracked_.contains(record.id())) return;
  auto entry = std::make_unique<Tracked>();
  entry->id = record.id();
  entry->workflow_id =
      record.temporal_workflow_id().empty() ? record.id() : record.temporal_workflow_id();
  entry->state = Tracked::State::kRebuild;
  entry->projection = ExecutionProjection::FromStart(std::move(record));
  by_workflow_id_[entry->workflow_id] = entry->id;
  Enqueue(*entry);
  tracked_[entry->id] = std::move(entry);
}

void ExecutionTracker::ScanClosedRuns() {
  absl::StatusOr<std::shared_ptr<temporal::TemporalClient>> client = client_();
  if (!client.ok()) return;
  const absl::Time scan_started = absl::Now();
  absl::Time since;
  {
    absl::MutexLock lock(&mutex_);
    since =
        (scanned_until_ == absl::InfinitePast() ? scan_started : scanned_until_) - kVisibilityLag;
  }
  std::string token;
  do {
    wfs::ListWorkflowExecutionsRequest request;
    request.set_namespace_((*client)->options().namespace_name);
    request.set_page_size(kScanPageSize);
    request.set_next_page_token(token);
    request.set_query(
        absl::StrCat("CloseTime >= '",
                     absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", since, absl::UTCTimeZone()), "'"));
    wfs::ListWorkflowExecutionsResponse response;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + options_.read_timeout));
    const grpc::Status status =
        (*client)->stub().ListWorkflowExecutions(&context, request, &response);
    if (!status.ok()) {
      spdlog::debug("cannot list closed runs: {}", status.error_message());
      return;  // the same window again next time
    }
    absl::MutexLock lock(&mutex_);
    for (const auto& info : response.executions()) {
      std::string child;
      Tracked* entry = Find(info.execution().workflow_id(), &child);
      if (entry == nullptr || entry->state == Tracked::State::kStarting) continue;
      const temporal::HistoryMark closed{info.execution().run_id(), info.history_length()};
      if (!child.empty()) {
        entry->child_marks[child] = closed;
      } else if (entry->read_to.run_id == closed.run_id &&
                 entry->read_to.event_id >= closed.event_id) {
        continue;
      } else {
        entry->mark = closed;
        entry->listed_closed = true;
      }
      Enqueue(*entry);
    }
    token = response.next_page_token();
  } while (!token.empty());
  absl::MutexLock lock(&mutex_);
  scanned_until_ = scan_started;
}

void ExecutionTracker::QueueQuietRecords() {
  absl::MutexLock lock(&mutex_);
  const absl::Time quiet_since = absl::Now() - options_.sweep_interval;
  std::vector<Tracked*> quiet;
  for (auto& [id, entry] : tracked_) {
    if (entry->state == Tracked::State::kOpen && !entry->queued && !entry->reading &&
        entry->last_read < quiet_since) {
      quiet.push_back(entry.get());
    }
  }
  const size_t count = std::min(quiet.size(), static_cast<size_t>(options_.quiet_reads));
  std::partial_sort(quiet.begin(), quiet.begin() + count, quiet.end(),
                    [](const Tracked* a, const Tracked* b) { return a->last_read < b->last_read; });
  for (size_t i = 0; i < count; ++i) {
    quiet[i]->catch_up = true;
    Enqueue(*quiet[i]);
  }
}

void ExecutionTracker::ScanLoop() {
  AdoptOpenRecords();
  absl::Time swept = absl::Now();
  while (true) {
    {
      absl::MutexLock lock(&mutex_);
      auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return shut_down_; };
      if (mutex_.AwaitWithTimeout(absl::Condition(&stopping), options_.close_scan_interval)) {
        return;
      }
    }
    ScanClosedRuns();
    {
      // Reads that failed are tried again, less often while they keep failing.
      absl::MutexLock lock(&mutex_);
      if (absl::Now() >= next_retry_) {
        bool any = false;
        for (auto& [id, entry] : tracked_) {
          if (entry->failed && !entry->queued && !entry->reading) {
            entry->failed = false;
            Enqueue(*entry);
            any = true;
          }
        }
        if (any) retry_delay_ = std::min(retry_delay_ * 2, options_.sweep_interval);
        next_retry_ = absl::Now() + retry_delay_;
      }
    }
    if (absl::Now() - swept >= options_.sweep_interval) {
      AdoptOpenRecords();
      QueueQuietRecords();
      swept = absl::Now();
    }
  }
}

}  // namespace stigmer::server

#include "server/execution_tracker.h"

#include <algorithm>
#include <utility>

#include "common/proto_time.h"
#include "common/ulid.h"
#include "google/protobuf/util/time_util.h"
#include "server/execution_phase.h"
#include "server/store/page_token.h"
#include "spdlog/spdlog.h"

namespace stigmer::server {

namespace {

using stigmer::v1::Execution;

// A PENDING record is a Create between its insert and its start, or one that crashed there. A
// Create takes at most its connect and call timeouts (seconds); one pending this long has crashed.
constexpr absl::Duration kCreateGrace = absl::Minutes(1);

}  // namespace

struct ExecutionTracker::Tracked {
  enum class State { kStarting, kRebuild, kOpen };

  Tracked(const ExecutionReader::Shared* shared, std::string workflow_id, Execution record,
          State state)
      : id(record.id()),
        workflow_id(workflow_id),
        state(state),
        reader(shared, std::move(workflow_id), std::move(record)) {}

  const std::string id;
  const std::string workflow_id;
  // Written under mutex_; the reader that has the entry reads it without (nobody writes it then).
  State state;
  ExecutionReader reader;  // the reader's (one at a time, `reading`)
  // Under mutex_.
  temporal::HistoryMark mark;                                // reported, not read yet
  std::map<std::string, temporal::HistoryMark> child_marks;  // by child workflow id
  bool catch_up = false;                                     // read as it is now
  bool listed_closed = false;     // visibility listed its run closed: maybe stored final elsewhere
  temporal::HistoryMark read_to;  // the reader's place
  bool queued = false;
  bool reading = false;
  bool failed = false;
  absl::Time last_read = absl::Now();
};

ExecutionTracker::ExecutionTracker(store::Store* store, ExecutionWatchHub* hub, ClientSource client,
                                   ChildRecorder record_children, Options options)
    : store_(store),
      client_(std::move(client)),
      options_(std::move(options)),
      reading_{store, hub, std::move(record_children), options_.read_timeout, options_.on_history},
      close_scan_(options_.read_timeout) {}

ExecutionTracker::~ExecutionTracker() { Shutdown(); }

void ExecutionTracker::Start() {
  // Before any Create here stores an execution this server follows: others leave it alone.
  MarkAlive(absl::Now());
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
  // The others take over what this server followed at their next sweep, not a lapse later.
  if (!threads_.empty()) MarkAlive(absl::InfinitePast());
}

void ExecutionTracker::MarkAlive(absl::Time at) {
  if (options_.follower.empty()) return;
  if (absl::Status marked = store_->MarkFollowerAlive(options_.follower, at); !marked.ok()) {
    spdlog::error("cannot tell the store this server follows its executions: {}",
                  marked.ToString());
  }
}

void ExecutionTracker::Track(const Execution& execution) {
  auto entry = std::make_unique<Tracked>(&reading_, execution.temporal_workflow_id(), execution,
                                         Tracked::State::kStarting);
  absl::MutexLock lock(&mutex_);
  by_workflow_id_[entry->workflow_id] = entry->id;
  tracked_[entry->id] = std::move(entry);
}

void ExecutionTracker::Started(const Execution& execution, bool read_now) {
  absl::MutexLock lock(&mutex_);
  std::unique_ptr<Tracked>& slot = tracked_[execution.id()];
  if (slot == nullptr) {
    slot = std::make_unique<Tracked>(&reading_, execution.temporal_workflow_id(), execution,
                                     Tracked::State::kStarting);
    by_workflow_id_[slot->workflow_id] = slot->id;
  }
  Tracked& entry = *slot;
  // Otherwise a sweep adopted the stored record meanwhile, and a reader may have it: its own
  // read goes on from where it is.
  if (entry.state == Tracked::State::kStarting) {
    entry.state = Tracked::State::kOpen;
    entry.reader.Started(execution);
    entry.read_to = {execution.temporal_run_id(), 0};
  }
  if (read_now) entry.catch_up = true;
  if (entry.catch_up || entry.mark.event_id > 0) Enqueue(entry);
}

void ExecutionTracker::Follow(const Execution& record) {
  if (IsTerminalPhase(record.phase())) return;
  absl::MutexLock lock(&mutex_);
  // A young PENDING record is a Create in flight elsewhere (AdoptOpenRecords).
  if (shut_down_ || (record.phase() == stigmer::v1::EXECUTION_PHASE_PENDING &&
                     record.created_at() > ToProtoTimeMillis(absl::Now() - kCreateGrace))) {
    return;
  }
  Adopt(record);
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
    entry->read_to = entry->reader.read_to();
    if (entry->reader.done()) {
      by_workflow_id_.erase(entry->workflow_id);
      tracked_.erase(entry->id);
    } else if (!entry->failed &&
               (entry->catch_up || !entry->child_marks.empty() ||
                (entry->mark.event_id > 0 && !entry->reader.Reached(entry->mark)))) {
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
  if ((entry.state == Tracked::State::kRebuild || listed_closed) && entry.reader.StoredFinal()) {
    return;
  }
  absl::Status status;
  absl::StatusOr<std::shared_ptr<temporal::TemporalClient>> client = client_();
  if (!client.ok()) {
    status = client.status();
  } else if (entry.state == Tracked::State::kRebuild) {
    status = entry.reader.Rebuild(**client);
  } else {
    status = entry.reader.ReadOn(**client, mark, catch_up, child_marks);
  }
  absl::MutexLock lock(&mutex_);
  if (status.ok()) entry.state = Tracked::State::kOpen;
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

bool ExecutionTracker::AdoptOpenRecords() {
  if (!options_.follower.empty()) {
    absl::StatusOr<int> claimed =
        store_->ClaimLapsedExecutions(options_.follower, absl::Now() - options_.follower_lapse);
    if (!claimed.ok()) {
      spdlog::error("cannot take over the executions of stopped servers: {}",
                    claimed.status().ToString());
    } else if (*claimed > 0) {
      spdlog::info("following {} open executions of stigmer-servers that stopped", *claimed);
    }
  }
  // A page at a time, so that the store serves its other callers between pages (one list of ten
  // thousand records held it for 50–80 ms).
  for (stigmer::v1::ExecutionPhase phase : kOpenPhases) {
    store::ExecutionFilter filter;
    filter.phase = phase;
    filter.page_size = store::kMaxPageSize;
    filter.followed_by = options_.follower;
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
  std::string workflow_id =
      record.temporal_workflow_id().empty() ? record.id() : record.temporal_workflow_id();
  auto entry = std::make_unique<Tracked>(&reading_, std::move(workflow_id), std::move(record),
                                         Tracked::State::kRebuild);
  by_workflow_id_[entry->workflow_id] = entry->id;
  Enqueue(*entry);
  tracked_[entry->id] = std::move(entry);
}

void ExecutionTracker::ScanClosedRuns() {
  absl::StatusOr<std::shared_ptr<temporal::TemporalClient>> client = client_();
  if (!client.ok()) return;
  const absl::Status scanned =
      close_scan_.Scan(**client, [this](const std::vector<ClosedRunScan::ClosedRun>& page) {
        absl::MutexLock lock(&mutex_);
        for (const ClosedRunScan::ClosedRun& run : page) {
          std::string child;
          Tracked* entry = Find(run.workflow_id, &child);
          if (entry == nullptr || entry->state == Tracked::State::kStarting) continue;
          if (!child.empty()) {
            entry->child_marks[child] = run.last;
          } else if (entry->read_to.run_id == run.last.run_id &&
                     entry->read_to.event_id >= run.last.event_id) {
            continue;
          } else {
            entry->mark = run.last;
            entry->listed_closed = true;
          }
          Enqueue(*entry);
        }
      });
  if (!scanned.ok()) spdlog::debug("cannot list closed runs: {}", scanned.ToString());
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
  absl::Time swept = absl::Now(), marked_alive = swept;
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
    if (absl::Now() - marked_alive >= options_.follower_lapse / 6) {
      marked_alive = absl::Now();
      MarkAlive(marked_alive);
    }
    if (absl::Now() - swept >= options_.sweep_interval) {
      AdoptOpenRecords();
      QueueQuietRecords();
      swept = absl::Now();
    }
  }
}

}  // namespace stigmer::server

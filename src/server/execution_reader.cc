#include "server/execution_reader.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/proto_time.h"
#include "server/execution_phase.h"
#include "spdlog/spdlog.h"
#include "temporal/run_chain.h"

namespace stigmer::server {

namespace {

using stigmer::v1::Execution;

// A lost execution's record is final: no projection, however far, replaces it.
constexpr int64_t kLostProgress = std::numeric_limits<int64_t>::max();

}  // namespace

ExecutionReader::ExecutionReader(const Shared* shared, std::string workflow_id, Execution record)
    : shared_(shared),
      id_(record.id()),
      workflow_id_(std::move(workflow_id)),
      projection_(ExecutionProjection::FromStart(std::move(record))),
      children_(std::make_unique<ChildProgress>(workflow_id_)) {}

void ExecutionReader::Started(const Execution& record) {
  projection_ = ExecutionProjection::FromStart(record);
  cursor_ = temporal::HistoryCursor(workflow_id_, record.temporal_run_id());
  children_ = std::make_unique<ChildProgress>(workflow_id_);
}

bool ExecutionReader::StoredFinal() {
  absl::StatusOr<Execution> stored = shared_->store->GetExecution(id_);
  if (!stored.ok() || !IsTerminalPhase(stored->phase())) return false;
  shared_->hub->Publish(*stored);  // this server's watchers see the close all the same
  done_ = true;
  return true;
}

absl::Status ExecutionReader::Rebuild(temporal::TemporalClient& client) {
  absl::StatusOr<temporal::RunChainHistory> chain = temporal::ReadRunChain(client, workflow_id_);
  if (absl::IsNotFound(chain.status())) {
    MarkLost();
    return absl::OkStatus();
  }
  if (!chain.ok()) return chain.status();
  if (chain->events.empty()) return absl::UnavailableError("Temporal returned no history yet");
  projection_ = ExecutionProjection::FromStart(projection_.execution());
  progress_ = 0;
  children_ = std::make_unique<ChildProgress>(workflow_id_);
  child_runs_ = ChildRunScanner();
  child_records_.clear();
  ApplyEvents(client, chain->events);
  cursor_ = temporal::HistoryCursor(workflow_id_, chain->last_run_id, chain->last_event_id);
  done_ = chain->closed;
  PublishProjection();
  return absl::OkStatus();
}

absl::Status ExecutionReader::ReadOn(temporal::TemporalClient& client,
                                     const temporal::HistoryMark& mark, bool catch_up,
                                     const std::map<std::string, temporal::HistoryMark>& children) {
  bool changed = false;
  auto read = [&](const temporal::HistoryMark& to) -> absl::Status {
    absl::StatusOr<std::vector<temporal::HistoryEvent>> events =
        cursor_.Read(client, to, shared_->read_timeout);
    if (!events.ok()) return events.status();
    changed = changed || !events->empty();
    ApplyEvents(client, *events);
    return absl::OkStatus();
  };
  absl::Status status = absl::OkStatus();
  if (catch_up) {
    status = read({});
  } else if (mark.event_id > 0 && !cursor_.Reached(mark)) {
    status = read(mark);
  }
  for (const auto& [workflow_id, child_mark] : children) {
    if (!status.ok()) break;
    if (!children_->Refresh(client, workflow_id, child_mark)) {
      status = read({});  // the parent's history names the child after the last read
      if (status.ok()) children_->Refresh(client, workflow_id, child_mark);
    }
    changed = true;
  }
  if (absl::IsNotFound(status)) {
    MarkLost();
    return absl::OkStatus();
  }
  done_ = cursor_.closed();
  if (changed) PublishProjection();
  return status;
}

void ExecutionReader::ApplyEvents(temporal::TemporalClient& client,
                                  const std::vector<temporal::HistoryEvent>& events) {
  if (events.empty()) return;
  if (shared_->on_history) shared_->on_history(id_, events);
  projection_.Apply(events);
  progress_ += static_cast<int64_t>(events.size());
  std::vector<ChildRun> runs = child_runs_.OnEvents(events);
  if (!runs.empty()) {
    for (const std::string& child :
         shared_->record_children(id_, projection_.execution().workflow(), runs)) {
      if (std::find(child_records_.begin(), child_records_.end(), child) == child_records_.end()) {
        child_records_.push_back(child);
      }
    }
  }
  children_->OnParentEvents(client, events);
}

void ExecutionReader::MarkLost() {
  spdlog::warn("Temporal has no workflow {}: {} is lost", workflow_id_, id_);
  absl::StatusOr<Execution> stored = shared_->store->GetExecution(id_);
  Execution record = stored.ok() ? *std::move(stored) : projection_.execution();
  record.set_phase(stigmer::v1::EXECUTION_PHASE_FAILED);
  stigmer::v1::ProblemDetails* error = record.mutable_error();
  error->Clear();
  error->set_title("Execution lost");
  error->set_detail(absl::StrCat("Temporal has no workflow ", workflow_id_,
                                 ": it never started, or Temporal's data was removed"));
  *record.mutable_ended_at() = ToProtoTimeMillis(absl::Now());
  Publish(record, kLostProgress);
  done_ = true;
}

void ExecutionReader::PublishProjection() {
  Execution record = children_->Compose(projection_.execution());
  record.clear_child_executions();
  for (const std::string& child : child_records_) record.add_child_executions(child);
  Publish(record, progress_);
}

void ExecutionReader::Publish(const Execution& record, int64_t progress) {
  absl::StatusOr<bool> stored = shared_->store->UpdateExecution(record, progress);
  if (!stored.ok()) {
    spdlog::error("cannot store {}: {}", record.id(), stored.status().ToString());
    return;
  }
  // Not stored: a server sharing the store has read further; this one's watchers see that
  // when it reads on.
  if (!*stored) return;
  shared_->hub->Publish(record);  // records held here come from the store: secrets already masked
}

}  // namespace stigmer::server

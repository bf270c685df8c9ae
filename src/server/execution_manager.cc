#include "server/execution_manager.h"

#include <algorithm>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "agent/approval.h"
#include "common/byte_size.h"
#include "common/payload_limits.h"
#include "common/ulid.h"
#include "google/protobuf/util/time_util.h"
#include "nlohmann/json.hpp"
#include "server/execution_input.h"
#include "server/execution_phase.h"
#include "server/execution_projection.h"
#include "server/execution_start.h"
#include "server/workflow_run_resolver.h"
#include "spdlog/spdlog.h"
#include "temporal/payloads.h"
#include "temporal/reconnect_backoff.h"
#include "temporal/run_chain.h"

namespace stigmer::server {
namespace {

using stigmer::v1::Execution;
using stigmer::v1::ExecutionPhase;

google::protobuf::Timestamp Timestamp(absl::Time time) {
  return google::protobuf::util::TimeUtil::MillisecondsToTimestamp(absl::ToUnixMillis(time));
}

// Temporal refuses a start whose payloads (document, input, runtime values) together exceed
// kMaxPayloadsBytes; say so before anything is stored.
absl::Status CheckStartFits(const std::vector<nlohmann::json>& payloads) {
  // Temporal receives them encrypted, each a little larger.
  const size_t total = temporal::JsonPayloads(payloads).ByteSizeLong() +
                       payloads.size() * kEncryptedPayloadOverheadBytes;
  if (total <= kMaxPayloadsBytes) return absl::OkStatus();
  const std::string limit = HumanBytes(kMaxPayloadsBytes);
  const size_t input = temporal::JsonPayload(payloads[1]).ByteSizeLong();
  if (input > kMaxPayloadsBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the input is ", HumanBytes(input),
                     " as JSON; the most Temporal accepts in one payload is ", limit,
                     ": pass a smaller input (or where to fetch the data from)"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("the input (", HumanBytes(input), ") and the workflow document (",
                   HumanBytes(temporal::JsonPayload(payloads[0]).ByteSizeLong()), ") together are ",
                   HumanBytes(total), " as JSON; the most Temporal accepts ", "to start a run is ",
                   limit, ": pass a smaller input"));
}

// `record` listing `children` as the executions it started.
Execution WithChildRecords(Execution record, const std::vector<std::string>& children) {
  record.clear_child_executions();
  for (const std::string& child : children) record.add_child_executions(child);
  return record;
}

}  // namespace

ExecutionManager::ExecutionManager(store::Store* store, Options options)
    : store_(store), options_(std::move(options)) {}

ExecutionManager::~ExecutionManager() { Shutdown(); }

absl::StatusOr<std::shared_ptr<temporal::TemporalClient>> ExecutionManager::Client() {
  absl::MutexLock lock(&client_mutex_);
  if (client_ != nullptr) return client_;
  temporal::TemporalClientOptions client_options;
  client_options.address = options_.temporal_address;
  client_options.codec = options_.payload_codec;
  absl::StatusOr<std::unique_ptr<temporal::TemporalClient>> client =
      temporal::TemporalClient::Connect(client_options, options_.connect_timeout);
  if (!client.ok()) return client.status();
  client_ = std::move(*client);
  return client_;
}

absl::StatusOr<Execution> ExecutionManager::Create(
    const stigmer::v1::CreateExecutionRequest& request) {
  ReapFinishedFollowers();
  absl::StatusOr<nlohmann::json> parsed = ParseExecutionInput(request.input());
  if (!parsed.ok()) return parsed.status();
  return CreateWithInput(request, *std::move(parsed));
}

absl::StatusOr<Execution> ExecutionManager::CreateWithInput(
    const stigmer::v1::CreateExecutionRequest& request, nlohmann::json input) {
  for (const auto& value : request.runtime()) {
    if (value.name().empty()) return absl::InvalidArgumentError("a runtime value has no name");
  }
  if (!request.request_id().empty()) {
    if (auto existing = store_->FindExecutionByRequestId(request.request_id()); existing.ok()) {
      return existing;
    }
  }
  absl::StatusOr<ExecutionStart> plan =
      PlanExecutionStart(*store_, request, input, options_.task_queue);
  if (!plan.ok()) return plan.status();
  if (absl::Status fits = CheckStartFits(plan->payloads); !fits.ok()) return fits;

  absl::StatusOr<std::shared_ptr<temporal::TemporalClient>> client = Client();
  if (!client.ok()) {
    return absl::UnavailableError(
        absl::StrCat("Temporal is down (", client.status().message(),
                     "); nothing was stored. Start it with `stigmer server` and try again"));
  }

  Execution execution;
  execution.set_id(NewExecutionId());
  {
    absl::MutexLock lock(&mutex_);
    creating_.insert(execution.id());
  }
  // Until it is followed, the reconciler leaves this record alone.
  absl::Cleanup created = [this, id = execution.id()] {
    absl::MutexLock lock(&mutex_);
    creating_.erase(id);
  };
  execution.set_workflow(plan->name);
  execution.set_workflow_version(plan->version);
  if (plan->agent) {
    execution.set_agent(plan->name);
    execution.set_message(request.message());
    execution.set_session(plan->session);
  }
  execution.set_phase(stigmer::v1::EXECUTION_PHASE_PENDING);
  execution.set_input(input.dump());
  *execution.mutable_runtime() = request.runtime();
  *execution.mutable_created_at() = Timestamp(absl::Now());
  execution.set_temporal_workflow_id(execution.id());
  if (absl::Status inserted = store_->InsertExecution(execution, request.request_id());
      !inserted.ok()) {
    return inserted;
  }

  temporal::StartWorkflowOptions start;
  start.workflow_id = execution.id();
  start.workflow_type = plan->workflow_type;
  start.task_queue = plan->task_queue;
  start.input = std::move(plan->payloads);
  start.request_id = execution.id();
  start.signing_key = options_.signing_key;
  start.execution_timeout = plan->execution_timeout;
  absl::StatusOr<std::string> run_id = (*client)->StartWorkflow(start);
  if (!run_id.ok()) {
    (void)store_->DeleteExecution(execution.id());
    if (absl::IsUnavailable(run_id.status()) || absl::IsDeadlineExceeded(run_id.status())) {
      return absl::UnavailableError(
          absl::StrCat("Temporal is down (", run_id.status().message(),
                       "); nothing was stored. Start it with `stigmer server` and try again"));
    }
    return run_id.status();
  }
  execution.set_phase(stigmer::v1::EXECUTION_PHASE_RUNNING);
  execution.set_temporal_run_id(*run_id);
  if (absl::Status updated = store_->UpdateExecution(execution); !updated.ok()) return updated;
  // What callers get back never holds a secret in clear; the stored record does not either.
  absl::StatusOr<Execution> stored = store_->GetExecution(execution.id());
  if (!stored.ok()) return stored.status();
  FollowNew(*stored);
  return stored;
}

absl::StatusOr<Execution> ExecutionManager::RecordScheduledRun(const ScheduledRun& run) {
  const std::string request_id = absl::StrCat("schedule:", run.workflow_id);
  if (store_->FindExecutionByRequestId(request_id).ok()) {
    return absl::AlreadyExistsError(absl::StrCat("run ", run.workflow_id, " is recorded"));
  }
  absl::StatusOr<stigmer::v1::Workflow> workflow = store_->GetWorkflow(run.workflow, run.version);
  if (!workflow.ok()) return workflow.status();
  Execution execution;
  execution.set_id(NewExecutionId(run.started));
  execution.set_workflow(workflow->name());
  execution.set_workflow_version(workflow->version());
  execution.set_phase(stigmer::v1::EXECUTION_PHASE_RUNNING);
  execution.set_input("{}");
  *execution.mutable_created_at() = Timestamp(run.started);
  execution.set_temporal_workflow_id(run.workflow_id);
  execution.set_temporal_run_id(run.run_id);
  return RecordStartedRun(std::move(execution), request_id);
}

absl::StatusOr<Execution> ExecutionManager::RecordStartedRun(Execution execution,
                                                             const std::string& request_id) {
  {
    absl::MutexLock lock(&mutex_);
    creating_.insert(execution.id());
  }
  absl::Cleanup created = [this, id = execution.id()] {
    absl::MutexLock lock(&mutex_);
    creating_.erase(id);
  };
  if (absl::Status inserted = store_->InsertExecution(execution, request_id); !inserted.ok()) {
    return inserted;
  }
  absl::StatusOr<Execution> stored = store_->GetExecution(execution.id());
  if (!stored.ok()) return stored.status();
  FollowNew(*stored);
  return stored;
}

std::vector<std::string> ExecutionManager::RecordChildRuns(const std::string& parent_id,
                                                           const std::string& parent_workflow,
                                                           const std::vector<ChildRun>& runs) {
  std::vector<std::string> ids;
  for (const ChildRun& run : runs) {
    const std::string request_id = absl::StrCat("child:", run.workflow_id);
    if (auto existing = store_->FindExecutionByRequestId(request_id); existing.ok()) {
      ids.push_back(existing->id());
      continue;
    }
    Execution execution;
    execution.set_id(NewExecutionId(run.started));
    execution.set_workflow(run.name);
    absl::StatusOr<stigmer::v1::Workflow> workflow =
        StoredRunWorkflow(*store_, parent_workflow, "", run.name, run.document_version);
    if (workflow.ok()) execution.set_workflow_version(workflow->version());
    execution.set_phase(stigmer::v1::EXECUTION_PHASE_RUNNING);
    execution.set_input(run.input.dump());
    *execution.mutable_created_at() = Timestamp(run.started);
    execution.set_temporal_workflow_id(run.workflow_id);
    execution.set_temporal_run_id(run.run_id);
    execution.set_parent_execution(parent_id);
    absl::StatusOr<Execution> recorded = RecordStartedRun(std::move(execution), request_id);
    if (!recorded.ok()) {
      spdlog::error("cannot record child {} of {}: {}", run.workflow_id, parent_id,
                    recorded.status().ToString());
      continue;
    }
    ids.push_back(recorded->id());
  }
  return ids;
}

absl::StatusOr<Execution> ExecutionManager::Cancel(const std::string& id) {
  absl::StatusOr<Execution> execution = store_->GetExecution(id);
  if (!execution.ok()) return execution.status();
  if (IsTerminalPhase(execution->phase())) {
    return absl::FailedPreconditionError(
        absl::StrCat("execution ", id, " has already ended (",
                     stigmer::v1::ExecutionPhase_Name(execution->phase()), ")"));
  }
  absl::StatusOr<std::shared_ptr<temporal::TemporalClient>> client = Client();
  if (!client.ok()) return absl::UnavailableError(client.status().message());
  if (absl::Status cancelled = (*client)->RequestCancel(
          execution->temporal_workflow_id(), execution->temporal_run_id(), "stigmer cancel");
      !cancelled.ok()) {
    return cancelled;
  }
  return execution;
}

absl::StatusOr<Execution> ExecutionManager::Approve(const stigmer::v1::ApproveRequest& request) {
  absl::StatusOr<Execution> execution = store_->GetExecution(request.id());
  if (!execution.ok()) return execution.status();
  if (execution->phase() != stigmer::v1::EXECUTION_PHASE_WAITING_APPROVAL ||
      execution->pending_approvals().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("execution ", request.id(), " waits for no approval (it is ",
                     absl::AsciiStrToLower(absl::StripPrefix(
                         stigmer::v1::ExecutionPhase_Name(execution->phase()), "EXECUTION_PHASE_")),
                     ")"));
  }
  std::vector<std::string> pending;
  std::string call_id = request.call_id();
  for (const auto& call : execution->pending_approvals()) {
    pending.push_back(absl::StrCat(call.call_id(), " (", call.tool(), ")"));
    if (request.call_id().empty() && execution->pending_approvals_size() == 1) {
      call_id = call.call_id();
    }
  }
  const bool known = std::any_of(
      execution->pending_approvals().begin(), execution->pending_approvals().end(),
      [&](const stigmer::v1::PendingApproval& call) { return call.call_id() == call_id; });
  if (!known) {
    return absl::InvalidArgumentError(absl::StrCat(
        call_id.empty() ? "several calls wait" : absl::StrCat("no call ", call_id, " waits"),
        "; name one with --call: ", absl::StrJoin(pending, ", ")));
  }
  absl::StatusOr<std::shared_ptr<temporal::TemporalClient>> client = Client();
  if (!client.ok()) return absl::UnavailableError(client.status().message());
  if (absl::Status sent = (*client)->SignalWorkflow(
          execution->temporal_workflow_id(), "", agent::kApprovalName,
          agent::ApprovalSignal(call_id, request.approved(), request.reason()));
      !sent.ok()) {
    return sent;
  }
  return execution;
}

absl::StatusOr<std::unique_ptr<ExecutionWatchHub::Watch>> ExecutionManager::Watch(
    const std::string& id) {
  return hub_.Subscribe(id, [&] { return store_->GetExecution(id); });
}

void ExecutionManager::FollowNew(const Execution& execution) {
  absl::StatusOr<std::shared_ptr<temporal::TemporalClient>> client = Client();
  absl::MutexLock lock(&mutex_);
  if (!client.ok()) {
    spdlog::warn("cannot follow {} yet: {}", execution.id(), client.status().ToString());
    follow_failed_ = true;  // the reconciler picks it up
    return;
  }
  if (shut_down_ || followed_.contains(execution.id())) return;
  temporal::HistoryFollowerOptions follow;
  follow.workflow_id = execution.temporal_workflow_id();
  follow.run_id = execution.temporal_run_id();
  StartFollower(execution.id(), ExecutionProjection::FromStart(execution), std::move(follow),
                *std::move(client));
}

absl::Status ExecutionManager::Resume(const std::string& id) {
  Execution record;
  {
    // Under the lock: a follower that has just ended stored its last state before leaving
    // followed_, so what is read here is never older than what it saw.
    absl::MutexLock lock(&mutex_);
    if (shut_down_ || followed_.contains(id) || creating_.contains(id)) return absl::OkStatus();
    absl::StatusOr<Execution> stored = store_->GetExecution(id);
    if (!stored.ok()) return absl::IsNotFound(stored.status()) ? absl::OkStatus() : stored.status();
    if (IsTerminalPhase(stored->phase())) return absl::OkStatus();
    record = *std::move(stored);
  }
  absl::StatusOr<std::shared_ptr<temporal::TemporalClient>> client = Client();
  if (!client.ok()) return client.status();
  const std::string workflow_id =
      record.temporal_workflow_id().empty() ? id : record.temporal_workflow_id();
  absl::StatusOr<temporal::RunChainHistory> chain =
      temporal::ReadRunChain(**client, workflow_id, &sweep_canceller_);
  if (absl::IsNotFound(chain.status())) {
    spdlog::warn("Temporal has no workflow {}: {} is lost", workflow_id, id);
    record.set_phase(stigmer::v1::EXECUTION_PHASE_FAILED);
    stigmer::v1::ProblemDetails* error = record.mutable_error();
    error->Clear();
    error->set_title("Execution lost");
    error->set_detail(absl::StrCat("Temporal has no workflow ", workflow_id,
                                   ": it never started, or Temporal's data was removed"));
    *record.mutable_ended_at() = Timestamp(absl::Now());
    Publish(record);
    return absl::OkStatus();
  }
  if (!chain.ok()) return chain.status();
  if (chain->events.empty()) return absl::UnavailableError("Temporal returned no history yet");

  const std::string workflow = record.workflow();
  ExecutionProjection projection = ExecutionProjection::FromStart(std::move(record));
  projection.Apply(chain->events);
  if (options_.on_history) options_.on_history(id, chain->events);
  ChildRunScanner child_runs;
  std::vector<std::string> child_records =
      RecordChildRuns(id, workflow, child_runs.OnEvents(chain->events));
  Publish(WithChildRecords(projection.execution(), child_records));
  if (chain->closed) return absl::OkStatus();
  absl::MutexLock lock(&mutex_);
  if (shut_down_ || followed_.contains(id)) return absl::OkStatus();
  temporal::HistoryFollowerOptions follow;
  follow.workflow_id = workflow_id;
  follow.run_id = chain->last_run_id;
  follow.after_event_id = chain->last_event_id;
  StartFollower(id, std::move(projection), std::move(follow), *std::move(client));
  followed_[id].child_runs = std::move(child_runs);
  followed_[id].child_records = std::move(child_records);
  return absl::OkStatus();
}

void ExecutionManager::StartFollower(const std::string& id, ExecutionProjection projection,
                                     temporal::HistoryFollowerOptions options,
                                     std::shared_ptr<temporal::TemporalClient> client) {
  Followed& entry = followed_[id];
  entry.projection = std::move(projection);
  entry.children = std::make_unique<ChildFollowers>(client, options.workflow_id,
                                                    [this, id] { OnEvents(id, "", {}); });
  entry.follower = std::make_unique<temporal::HistoryFollower>(
      std::move(client), std::move(options),
      [this, id](const std::string& run_id, const std::vector<temporal::HistoryEvent>& events) {
        OnEvents(id, run_id, events);
      },
      [this, id](const absl::Status& status) { OnFollowerDone(id, status); });
  entry.follower->Start();
}

void ExecutionManager::Publish(const Execution& record) {
  if (absl::Status stored = store_->UpdateExecution(record); !stored.ok()) {
    spdlog::error("cannot store {}: {}", record.id(), stored.ToString());
    return;
  }
  hub_.Publish(record);  // records held here come from the store: secrets already masked
}

void ExecutionManager::StartReconciling() {
  reconciler_ = std::thread([this] { ReconcileLoop(); });
}

bool ExecutionManager::SweepOnce() {
  ReapFinishedFollowers();
  absl::StatusOr<std::vector<Execution>> open = store_->ListUnfinishedExecutions();
  if (!open.ok()) {
    spdlog::error("cannot list open executions: {}", open.status().ToString());
    return false;
  }
  for (const Execution& execution : *open) {
    if (absl::Status resumed = Resume(execution.id()); !resumed.ok()) {
      spdlog::warn("cannot follow {} yet: {}; retrying", execution.id(), resumed.ToString());
      return false;  // Temporal is likely away for the others too
    }
  }
  return true;
}

bool ExecutionManager::WaitUnlessShutDown(absl::Duration timeout, bool or_follow_failed) {
  absl::MutexLock lock(&mutex_);
  auto woken = [this, or_follow_failed]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    return shut_down_ || (or_follow_failed && follow_failed_);
  };
  mutex_.AwaitWithTimeout(absl::Condition(&woken), timeout);
  follow_failed_ = false;
  return shut_down_;
}

void ExecutionManager::ReconcileLoop() {
  temporal::ReconnectBackoff backoff(options_.initial_retry, options_.sweep_interval);
  while (true) {
    if (!SweepOnce()) {
      if (WaitUnlessShutDown(backoff.NextDelay(), false)) return;
      continue;
    }
    const absl::Time swept = absl::Now();
    if (WaitUnlessShutDown(options_.sweep_interval, true)) return;
    if (absl::Now() - swept >= options_.sweep_interval) {
      backoff.Reset();                                            // a quiet interval
    } else if (WaitUnlessShutDown(backoff.NextDelay(), false)) {  // a follower failed
      return;
    }
  }
}

void ExecutionManager::OnEvents(const std::string& id, const std::string& run_id,
                                const std::vector<temporal::HistoryEvent>& events) {
  if (!events.empty() && options_.on_history) options_.on_history(id, events);
  ChildFollowers* children = nullptr;
  std::vector<ChildRun> child_runs;
  std::string workflow;
  if (!events.empty()) {
    absl::MutexLock lock(&mutex_);
    auto it = followed_.find(id);
    if (it == followed_.end()) return;
    children = it->second.children.get();
    child_runs = it->second.child_runs.OnEvents(events);
    workflow = it->second.projection.execution().workflow();
  }
  // Not under the lock: it may read a closed child's history. The entry stays while its
  // follower (this thread) runs.
  if (children != nullptr) children->OnParentEvents(events);
  const std::vector<std::string> child_records = RecordChildRuns(id, workflow, child_runs);
  // A child's follower publishes too: compose and store in one order, so that an older state
  // never overwrites a newer one.
  absl::MutexLock publishing(&publish_mutex_);
  Execution record;
  {
    absl::MutexLock lock(&mutex_);
    auto it = followed_.find(id);
    if (it == followed_.end()) return;
    (void)run_id;  // the projection takes run ids from the events themselves
    it->second.projection.Apply(events);
    for (const std::string& child : child_records) {
      std::vector<std::string>& known = it->second.child_records;
      if (std::find(known.begin(), known.end(), child) == known.end()) known.push_back(child);
    }
    record = WithChildRecords(it->second.children->Compose(it->second.projection.execution()),
                              it->second.child_records);
  }
  Publish(record);
}

void ExecutionManager::OnFollowerDone(const std::string& id, const absl::Status& status) {
  const bool failed = !status.ok() && !absl::IsCancelled(status);
  if (failed) spdlog::warn("stopped following {}: {}; retrying", id, status.ToString());
  // The follower cannot be destroyed on its own thread: park it for the next reaping.
  absl::MutexLock lock(&mutex_);
  if (failed) follow_failed_ = true;
  auto it = followed_.find(id);
  if (it == followed_.end()) return;
  finished_.push_back(std::move(it->second.follower));
  finished_children_.push_back(std::move(it->second.children));
  followed_.erase(it);
}

void ExecutionManager::ReapFinishedFollowers() {
  std::vector<std::unique_ptr<temporal::HistoryFollower>> finished;
  std::vector<std::unique_ptr<ChildFollowers>> finished_children;
  {
    absl::MutexLock lock(&mutex_);
    finished.swap(finished_);
    finished_children.swap(finished_children_);
  }
  finished.clear();  // joins threads that have already returned
  finished_children.clear();
}

void ExecutionManager::Shutdown() {
  std::map<std::string, Followed> followed;
  {
    absl::MutexLock lock(&mutex_);
    if (shut_down_) return;
    shut_down_ = true;
    followed.swap(followed_);
  }
  sweep_canceller_.Cancel();
  if (reconciler_.joinable()) reconciler_.join();
  for (auto& [id, entry] : followed) entry.follower->Stop();
  ReapFinishedFollowers();
  hub_.Close();
}

}  // namespace stigmer::server

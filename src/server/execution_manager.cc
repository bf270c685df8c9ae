#include "server/execution_manager.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "agent/approval.h"
#include "common/byte_size.h"
#include "common/payload_limits.h"
#include "common/proto_time.h"
#include "common/ulid.h"
#include "nlohmann/json.hpp"
#include "server/execution_input.h"
#include "server/execution_phase.h"
#include "server/execution_projection.h"
#include "server/execution_start.h"
#include "server/workflow_run_resolver.h"
#include "spdlog/spdlog.h"
#include "temporal/payloads.h"

namespace stigmer::server {
namespace {

using stigmer::v1::Execution;
using stigmer::v1::ExecutionPhase;

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

// Concurrent Creates, history reads and scans share them.
constexpr int kTemporalConnections = 4;
constexpr absl::Duration kTrackerConnectTimeout = absl::Milliseconds(250);

}  // namespace

ExecutionManager::ExecutionManager(store::Store* store, Options options)
    : store_(store),
      options_(std::move(options)),
      tracker_(
          // The tracker tries again every second: a short wait keeps its threads, and so
          // shutdown, from hanging on a Temporal that is away.
          store_, &hub_, [this] { return Client(kTrackerConnectTimeout); },
          [this](const std::string& parent_id, const std::string& parent_workflow,
                 const std::vector<ChildRun>& runs) {
            return RecordChildRuns(parent_id, parent_workflow, runs);
          },
          options_.tracking) {}

ExecutionManager::~ExecutionManager() { Shutdown(); }

absl::StatusOr<std::shared_ptr<temporal::TemporalClient>> ExecutionManager::Client(
    std::optional<absl::Duration> connect_timeout) {
  absl::MutexLock lock(&client_mutex_);
  if (client_ != nullptr) return client_;
  temporal::TemporalClientOptions client_options;
  client_options.address = options_.temporal_address;
  client_options.codec = options_.payload_codec;
  client_options.connections = kTemporalConnections;
  absl::StatusOr<std::unique_ptr<temporal::TemporalClient>> client =
      temporal::TemporalClient::Connect(client_options,
                                        connect_timeout.value_or(options_.connect_timeout));
  if (!client.ok()) return client.status();
  client_ = std::move(*client);
  return client_;
}

absl::StatusOr<Execution> ExecutionManager::Create(
    const stigmer::v1::CreateExecutionRequest& request) {
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
      PlanExecutionStart(*store_, request, input, options_.task_queue, &documents_);
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
  *execution.mutable_created_at() = ToProtoTimeMillis(absl::Now());
  execution.set_temporal_workflow_id(execution.id());
  if (absl::Status inserted =
          store_->InsertExecution(execution, request.request_id(), options_.tracking.follower);
      !inserted.ok()) {
    return inserted;
  }
  tracker_.Track(execution);  // its worker may report progress before StartWorkflow returns

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
    tracker_.Forget(execution.id());
    if (absl::IsUnavailable(run_id.status()) || absl::IsDeadlineExceeded(run_id.status())) {
      return absl::UnavailableError(
          absl::StrCat("Temporal is down (", run_id.status().message(),
                       "); nothing was stored. Start it with `stigmer server` and try again"));
    }
    return run_id.status();
  }
  execution.set_phase(stigmer::v1::EXECUTION_PHASE_RUNNING);
  execution.set_temporal_run_id(*run_id);
  // Until the tracker reads the run's start (Temporal's time), which a run that begins by
  // waiting on a timer does not report (durable/quiet_workflow_task.h).
  *execution.mutable_started_at() = ToProtoTimeMillis(absl::Now());
  // Progress 0: a server that shares the store and read the run already keeps its newer record.
  if (absl::StatusOr<bool> updated = store_->UpdateExecution(execution, /*progress=*/0);
      !updated.ok()) {
    return updated.status();
  }
  // What callers get back never holds a secret in clear; the stored record does not either.
  absl::StatusOr<Execution> stored = store_->GetExecution(execution.id());
  if (!stored.ok()) return stored.status();
  tracker_.Started(*stored);
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
  *execution.mutable_created_at() = ToProtoTimeMillis(run.started);
  execution.set_temporal_workflow_id(run.workflow_id);
  execution.set_temporal_run_id(run.run_id);
  return RecordStartedRun(std::move(execution), request_id);
}

absl::StatusOr<Execution> ExecutionManager::RecordStartedRun(Execution execution,
                                                             const std::string& request_id) {
  if (absl::Status inserted =
          store_->InsertExecution(execution, request_id, options_.tracking.follower);
      !inserted.ok()) {
    return inserted;
  }
  absl::StatusOr<Execution> stored = store_->GetExecution(execution.id());
  if (!stored.ok()) return stored.status();
  tracker_.Started(*stored, /*read_now=*/true);
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
    *execution.mutable_created_at() = ToProtoTimeMillis(run.started);
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
  absl::StatusOr<std::unique_ptr<ExecutionWatchHub::Watch>> watch =
      hub_.Subscribe(id, [&] { return store_->GetExecution(id); });
  if (!watch.ok()) return watch;
  // Another server may follow it, whose reads reach only its own watchers.
  if (absl::StatusOr<Execution> record = store_->GetExecution(id); record.ok()) {
    tracker_.Follow(*record);
  }
  return watch;
}

void ExecutionManager::StartTracking() { tracker_.Start(); }

void ExecutionManager::OnProgress(const std::string& workflow_id,
                                  const temporal::HistoryMark& mark) {
  tracker_.OnProgress(workflow_id, mark);
}

void ExecutionManager::Shutdown() {
  tracker_.Shutdown();
  hub_.Close();
}

}  // namespace stigmer::server

#include "server/execution_manager.h"

#include "absl/strings/str_cat.h"
#include "common/payload_limits.h"
#include "common/ulid.h"
#include "google/protobuf/util/time_util.h"
#include "nlohmann/json.hpp"
#include "server/execution_input.h"
#include "server/execution_phase.h"
#include "server/execution_projection.h"
#include "spdlog/spdlog.h"
#include "temporal/payloads.h"
#include "workflow/dsl_timeout.h"
#include "workflow/workflow_document.h"

namespace stigmer::server {
namespace {

using stigmer::v1::Execution;
using stigmer::v1::ExecutionPhase;

google::protobuf::Timestamp Timestamp(absl::Time time) {
  return google::protobuf::util::TimeUtil::MillisecondsToTimestamp(absl::ToUnixMillis(time));
}

// The three payloads workflow-runner receives: the document (as JSON), the input, and the
// runtime values ({"environment": {...}, "secrets": {...}}).
absl::StatusOr<std::vector<nlohmann::json>> WorkflowInput(
    const stigmer::v1::Workflow& workflow, const nlohmann::json& input,
    const stigmer::v1::CreateExecutionRequest& request) {
  absl::StatusOr<workflow::WorkflowDocument> document =
      workflow::ParseWorkflowDocument(workflow.definition());
  if (!document.ok()) return document.status();
  nlohmann::json runtime = {{"environment", nlohmann::json::object()},
                            {"secrets", nlohmann::json::object()}};
  for (const auto& value : request.runtime()) {
    runtime[value.secret() ? "secrets" : "environment"][value.name()] = value.value();
  }
  return std::vector<nlohmann::json>{nlohmann::json::parse(document->json.dump()), input, runtime};
}

// Temporal refuses a start whose payloads (document, input, runtime values) together exceed
// kMaxPayloadsBytes; say so before anything is stored.
absl::Status CheckStartFits(const std::vector<nlohmann::json>& payloads) {
  const size_t total = temporal::JsonPayloads(payloads).ByteSizeLong();
  if (total <= kMaxPayloadsBytes) return absl::OkStatus();
  const std::string limit = FormatMebibytes(kMaxPayloadsBytes);
  const size_t input = temporal::JsonPayload(payloads[1]).ByteSizeLong();
  if (input > kMaxPayloadsBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the input is ", FormatMebibytes(input),
                     " as JSON; the most Temporal accepts in one payload is ", limit,
                     ": pass a smaller input (or where to fetch the data from)"));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "the input (", FormatMebibytes(input), ") and the workflow document (",
      FormatMebibytes(temporal::JsonPayload(payloads[0]).ByteSizeLong()), ") together are ",
      FormatMebibytes(total), " as JSON; the most Temporal accepts ", "to start a run is ", limit,
      ": pass a smaller input"));
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
  absl::StatusOr<std::unique_ptr<temporal::TemporalClient>> client =
      temporal::TemporalClient::Connect(client_options, options_.connect_timeout);
  if (!client.ok()) return client.status();
  client_ = std::move(*client);
  return client_;
}

void ExecutionManager::ResumeUnfinished() {
  absl::StatusOr<std::vector<Execution>> unfinished = store_->ListUnfinishedExecutions();
  if (!unfinished.ok()) {
    spdlog::error("cannot list unfinished executions: {}", unfinished.status().ToString());
    return;
  }
  for (Execution& execution : *unfinished) {
    spdlog::info("following {} again", execution.id());
    Follow(std::move(execution));
  }
}

absl::StatusOr<Execution> ExecutionManager::Create(
    const stigmer::v1::CreateExecutionRequest& request) {
  ReapFinishedFollowers();
  if (request.workflow().empty()) {
    return absl::InvalidArgumentError("the workflow to run is missing");
  }
  absl::StatusOr<nlohmann::json> parsed = ParseExecutionInput(request.input());
  if (!parsed.ok()) return parsed.status();
  const nlohmann::json input = *std::move(parsed);
  for (const auto& value : request.runtime()) {
    if (value.name().empty()) return absl::InvalidArgumentError("a runtime value has no name");
  }
  if (!request.request_id().empty()) {
    if (auto existing = store_->FindExecutionByRequestId(request.request_id()); existing.ok()) {
      return existing;
    }
  }
  absl::StatusOr<stigmer::v1::Workflow> workflow =
      store_->GetWorkflow(request.workflow(), request.version());
  if (!workflow.ok()) return workflow.status();
  absl::StatusOr<std::vector<nlohmann::json>> payloads = WorkflowInput(*workflow, input, request);
  if (!payloads.ok()) return payloads.status();
  if (absl::Status fits = CheckStartFits(*payloads); !fits.ok()) return fits;

  absl::StatusOr<std::shared_ptr<temporal::TemporalClient>> client = Client();
  if (!client.ok()) {
    return absl::UnavailableError(
        absl::StrCat("Temporal is down (", client.status().message(),
                     "); nothing was stored. Start it with `stigmer server` and try again"));
  }

  Execution execution;
  execution.set_id(NewExecutionId());
  execution.set_workflow(workflow->name());
  execution.set_workflow_version(workflow->version());
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
  start.task_queue = options_.task_queue;
  start.input = *std::move(payloads);
  start.request_id = execution.id();
  // The workflow's `timeout` bounds the whole execution; Temporal enforces it.
  const nlohmann::ordered_json document(start.input[0]);
  start.execution_timeout = workflow::TimeoutAfter(document, document);
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
  Follow(*stored);
  return stored;
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

absl::StatusOr<std::unique_ptr<ExecutionWatchHub::Watch>> ExecutionManager::Watch(
    const std::string& id) {
  return hub_.Subscribe(id, [&] { return store_->GetExecution(id); });
}

void ExecutionManager::Follow(Execution execution) {
  absl::StatusOr<std::shared_ptr<temporal::TemporalClient>> client = Client();
  if (!client.ok()) {
    spdlog::warn("cannot follow {} yet: {}", execution.id(), client.status().ToString());
  }
  const std::string id = execution.id();
  absl::MutexLock lock(&mutex_);
  if (shut_down_ || !client.ok() || followed_.contains(id)) return;
  // Projection starts again from the first event, so it is the same whether this server saw
  // the beginning or not.
  execution.clear_tasks();
  temporal::HistoryFollowerOptions follow;
  follow.workflow_id = execution.temporal_workflow_id();
  follow.run_id = execution.temporal_run_id();
  Followed& entry = followed_[id];
  entry.projection = ExecutionProjection(std::move(execution));
  entry.follower = std::make_unique<temporal::HistoryFollower>(
      *client, follow,
      [this, id](const std::string& run_id, const std::vector<temporal::HistoryEvent>& events) {
        OnEvents(id, run_id, events);
      },
      [this, id](const absl::Status& status) { OnFollowerDone(id, status); });
  entry.follower->Start();
}

void ExecutionManager::OnEvents(const std::string& id, const std::string& run_id,
                                const std::vector<temporal::HistoryEvent>& events) {
  Execution record;
  {
    absl::MutexLock lock(&mutex_);
    auto it = followed_.find(id);
    if (it == followed_.end()) return;
    (void)run_id;  // the projection takes run ids from the events themselves
    it->second.projection.Apply(events);
    record = it->second.projection.execution();
  }
  if (absl::Status stored = store_->UpdateExecution(record); !stored.ok()) {
    spdlog::error("cannot store {}: {}", id, stored.ToString());
    return;
  }
  hub_.Publish(record);  // records held here come from the store: secrets already masked
}

void ExecutionManager::OnFollowerDone(const std::string& id, const absl::Status& status) {
  if (!status.ok() && !absl::IsCancelled(status)) {
    spdlog::warn("stopped following {}: {}", id, status.ToString());
  }
  // The follower cannot be destroyed on its own thread: park it for the next reaping.
  absl::MutexLock lock(&mutex_);
  auto it = followed_.find(id);
  if (it == followed_.end()) return;
  finished_.push_back(std::move(it->second.follower));
  followed_.erase(it);
}

void ExecutionManager::ReapFinishedFollowers() {
  std::vector<std::unique_ptr<temporal::HistoryFollower>> finished;
  {
    absl::MutexLock lock(&mutex_);
    finished.swap(finished_);
  }
  finished.clear();  // joins threads that have already returned
}

void ExecutionManager::Shutdown() {
  std::map<std::string, Followed> followed;
  {
    absl::MutexLock lock(&mutex_);
    if (shut_down_) return;
    shut_down_ = true;
    followed.swap(followed_);
  }
  for (auto& [id, entry] : followed) entry.follower->Stop();
  ReapFinishedFollowers();
  hub_.Close();
}

}  // namespace stigmer::server

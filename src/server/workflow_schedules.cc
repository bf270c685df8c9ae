#include "server/workflow_schedules.h"

#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/proto_time.h"
#include "server/execution_start.h"
#include "server/schedule_after_driver.h"
#include "server/store/page_token.h"
#include "temporal/api/schedule/v1/message.pb.h"
#include "temporal/busy_retry.h"
#include "temporal/payloads.h"
#include "temporal/start_signature.h"
#include "workflow/dsl_schedule.h"
#include "workflow/yaml_to_json.h"

namespace stigmer::server {
namespace {

namespace wfs = ::temporal::api::workflowservice::v1;
namespace tsch = ::temporal::api::schedule::v1;

std::unique_ptr<grpc::ClientContext> CallContext(const temporal::TemporalClient& client) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + client.options().call_timeout));
  return context;
}

// Temporal's description of the schedule of workflow `name`, asked again while Temporal is busy
// answering the schedule's other queries.
grpc::Status DescribeSchedule(temporal::TemporalClient& client, const std::string& name,
                              wfs::DescribeScheduleResponse& response) {
  wfs::DescribeScheduleRequest request;
  request.set_namespace_(client.options().namespace_name);
  request.set_schedule_id(ScheduleId(name));
  return temporal::CallWhileBusy(
      [&](grpc::ClientContext& context) {
        return client.stub().DescribeSchedule(&context, request, &response);
      },
      client.options().call_timeout);
}

// The schedule the stored text of a workflow declares; none when it declares none.
std::optional<workflow::WorkflowSchedule> ScheduleOfDefinition(const std::string& definition) {
  if (!WorkflowSchedules::MayHaveSchedule(definition)) return std::nullopt;
  absl::StatusOr<nlohmann::ordered_json> json = workflow::YamlToJson(definition);
  if (!json.ok()) return std::nullopt;
  return workflow::ScheduleOf(*json);
}

std::string Notes(const stigmer::v1::Workflow& workflow) {
  return absl::StrCat("stigmer workflow ", workflow.name(), " version ", workflow.version());
}

absl::Status TemporalDown(const absl::Status& status) {
  return absl::UnavailableError(absl::StrCat("Temporal is down (", status.message(), ")"));
}

}  // namespace

std::string ScheduleId(absl::string_view workflow_name) {
  return absl::StrCat("wfl-", workflow_name);
}

WorkflowSchedules::WorkflowSchedules(store::Store* store, ClientSource client,
                                     std::string signing_key, std::string task_queue)
    : store_(store),
      client_(std::move(client)),
      signing_key_(std::move(signing_key)),
      task_queue_(std::move(task_queue)) {}

bool WorkflowSchedules::MayHaveSchedule(absl::string_view definition) {
  return absl::StrContains(definition, "schedule");
}

absl::Status WorkflowSchedules::Load() {
  std::string token;
  std::set<std::string> names;
  do {
    absl::StatusOr<store::WorkflowPage> page = store_->ListWorkflows(store::kMaxPageSize, token);
    if (!page.ok()) return page.status();
    for (const stigmer::v1::Workflow& workflow : page->workflows) {
      if (ScheduleOfDefinition(workflow.definition()).has_value()) names.insert(workflow.name());
    }
    token = page->next_page_token;
  } while (!token.empty());
  absl::MutexLock lock(&mutex_);
  names_.insert(names.begin(), names.end());
  return absl::OkStatus();
}

bool WorkflowSchedules::Tracks(const std::string& name) const {
  absl::MutexLock lock(&mutex_);
  return names_.contains(name);
}

std::vector<std::string> WorkflowSchedules::Names() const {
  absl::MutexLock lock(&mutex_);
  return {names_.begin(), names_.end()};
}

absl::Status WorkflowSchedules::CheckReachable() {
  absl::StatusOr<std::shared_ptr<temporal::TemporalClient>> client = client_();
  if (client.ok()) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat(
      "Temporal is down (", client.status().message(),
      "); a workflow's schedule lives in Temporal, so nothing was changed. Start it with "
      "`stigmer server` and try again"));
}

absl::Status WorkflowSchedules::Sync(const std::string& name) {
  absl::MutexLock syncing(&sync_mutex_);
  absl::StatusOr<stigmer::v1::Workflow> workflow = store_->GetWorkflow(name, 0);
  if (!workflow.ok() && !absl::IsNotFound(workflow.status())) return workflow.status();
  const bool scheduled = workflow.ok() && ScheduleOfDefinition(workflow->definition()).has_value();
  if (!scheduled && !Tracks(name)) return absl::OkStatus();
  absl::StatusOr<std::shared_ptr<temporal::TemporalClient>> client = client_();
  if (!client.ok()) return TemporalDown(client.status());
  if (!scheduled) {
    if (absl::Status deleted = Delete(**client, name); !deleted.ok()) return deleted;
    absl::MutexLock lock(&mutex_);
    names_.erase(name);
    return absl::OkStatus();
  }
  wfs::DescribeScheduleResponse response;
  const grpc::Status described = DescribeSchedule(**client, name, response);
  if (!described.ok() && described.error_code() != grpc::StatusCode::NOT_FOUND) {
    return temporal::FromGrpcStatus(described,
                                    absl::StrCat("describing schedule ", ScheduleId(name)));
  }
  bool added = false;
  {
    absl::MutexLock lock(&mutex_);
    added = names_.insert(name).second;
  }
  if (added && added_) added_();
  const std::optional<workflow::WorkflowSchedule> declared =
      ScheduleOfDefinition(workflow->definition());
  if (declared->after.has_value()) {
    // A driver workflow, not a Temporal Schedule (server/schedule_after_driver.h).
    if (described.ok()) {
      if (absl::Status deleted = DeleteSchedule(**client, name); !deleted.ok()) return deleted;
    }
    return SyncScheduleAfter(**client, *store_, *workflow, *declared->after, task_queue_,
                             signing_key_);
  }
  if (absl::Status stopped = StopScheduleAfter(**client, name); !stopped.ok()) return stopped;
  if (described.ok() && response.schedule().state().notes() == Notes(*workflow)) {
    return absl::OkStatus();
  }
  return Create(**client, *workflow, described.ok());
}

absl::Status WorkflowSchedules::Create(temporal::TemporalClient& client,
                                       const stigmer::v1::Workflow& workflow, bool update) {
  std::optional<workflow::WorkflowSchedule> declared = ScheduleOfDefinition(workflow.definition());
  if (!declared.has_value()) return absl::InternalError("the workflow has no schedule");
  stigmer::v1::CreateExecutionRequest run;
  run.set_workflow(workflow.name());
  run.set_version(workflow.version());
  absl::StatusOr<ExecutionStart> plan =
      PlanExecutionStart(*store_, run, nlohmann::json::object(), task_queue_);
  if (!plan.ok()) return plan.status();

  tsch::Schedule schedule;
  tsch::ScheduleSpec& spec = *schedule.mutable_spec();
  if (declared->every.has_value()) {
    *spec.add_interval()->mutable_interval() = ToProtoDurationMillis(*declared->every);
  }
  if (!declared->cron.empty()) spec.add_cron_string(declared->cron);
  auto& action = *schedule.mutable_action()->mutable_start_workflow();
  action.set_workflow_id(ScheduleId(workflow.name()));
  action.mutable_workflow_type()->set_name(plan->workflow_type);
  action.mutable_task_queue()->set_name(plan->task_queue);
  *action.mutable_input() = temporal::JsonPayloads(plan->payloads);
  if (plan->execution_timeout.has_value()) {
    *action.mutable_workflow_execution_timeout() = ToProtoDurationMillis(*plan->execution_timeout);
  }
  (*action.mutable_memo()->mutable_fields())[kScheduledVersionMemo] =
      temporal::JsonPayload(workflow.version());
  if (!signing_key_.empty()) {
    temporal::AddScheduledStartSignature(signing_key_, action.workflow_id(),
                                         action.workflow_type().name(), action.input(),
                                         *action.mutable_header());
  }
  tsch::SchedulePolicies& policies = *schedule.mutable_policies();
  if (declared->every.has_value()) {
    policies.set_overlap_policy(::temporal::api::enums::v1::SCHEDULE_OVERLAP_POLICY_ALLOW_ALL);
  }
  *policies.mutable_catchup_window() = ToProtoDurationMillis(kCatchupWindow);
  schedule.mutable_state()->set_notes(Notes(workflow));

  const std::string id = ScheduleId(workflow.name());
  auto context = CallContext(client);
  grpc::Status status;
  if (update) {
    wfs::UpdateScheduleRequest request;
    request.set_namespace_(client.options().namespace_name);
    request.set_schedule_id(id);
    *request.mutable_schedule() = std::move(schedule);
    request.set_identity(client.options().identity);
    wfs::UpdateScheduleResponse response;
    status = client.stub().UpdateSchedule(context.get(), request, &response);
  } else {
    wfs::CreateScheduleRequest request;
    request.set_namespace_(client.options().namespace_name);
    request.set_schedule_id(id);
    *request.mutable_schedule() = std::move(schedule);
    request.set_identity(client.options().identity);
    request.set_request_id(absl::StrCat(id, "-", workflow.version()));
    wfs::CreateScheduleResponse response;
    status = client.stub().CreateSchedule(context.get(), request, &response);
  }
  if (!status.ok()) {
    return temporal::FromGrpcStatus(
        status, absl::StrCat(update ? "updating" : "creating", " schedule ", id));
  }
  return absl::OkStatus();
}

absl::Status WorkflowSchedules::Delete(temporal::TemporalClient& client, const std::string& name) {
  if (absl::Status stopped = StopScheduleAfter(client, name); !stopped.ok()) return stopped;
  return DeleteSchedule(client, name);
}

absl::Status WorkflowSchedules::DeleteSchedule(temporal::TemporalClient& client,
                                               const std::string& name) {
  wfs::DeleteScheduleRequest request;
  request.set_namespace_(client.options().namespace_name);
  request.set_schedule_id(ScheduleId(name));
  request.set_identity(client.options().identity);
  wfs::DeleteScheduleResponse response;
  auto context = CallContext(client);
  const grpc::Status status = client.stub().DeleteSchedule(context.get(), request, &response);
  if (!status.ok() && status.error_code() != grpc::StatusCode::NOT_FOUND) {
    return temporal::FromGrpcStatus(status, absl::StrCat("deleting schedule ", ScheduleId(name)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<stigmer::v1::Schedule>> WorkflowSchedules::List() {
  std::vector<stigmer::v1::Schedule> schedules;
  const std::vector<std::string> names = Names();
  if (names.empty()) return schedules;
  absl::StatusOr<std::shared_ptr<temporal::TemporalClient>> client = client_();
  if (!client.ok()) {
    return absl::UnavailableError(absl::StrCat("Temporal is down (", client.status().message(),
                                               "): start it with `stigmer server`"));
  }
  for (const std::string& name : names) {
    absl::StatusOr<stigmer::v1::Workflow> workflow = store_->GetWorkflow(name, 0);
    if (!workflow.ok()) continue;
    std::optional<workflow::WorkflowSchedule> declared =
        ScheduleOfDefinition(workflow->definition());
    if (!declared.has_value()) continue;
    if (declared->after.has_value()) {
      absl::StatusOr<std::optional<ScheduleAfterState>> driver =
          DescribeScheduleAfter(**client, name);
      if (!driver.ok()) return driver.status();
      if (!driver->has_value()) continue;
      stigmer::v1::Schedule& schedule = schedules.emplace_back();
      schedule.set_workflow(name);
      schedule.set_workflow_version((*driver)->version);
      schedule.set_schedule_id(ScheduleId(name));
      schedule.set_after(absl::FormatDuration(*declared->after));
      if ((*driver)->next.has_value()) {
        *schedule.add_next_runs() = ToProtoTimeMillis(*(*driver)->next);
      }
      schedule.set_runs((*driver)->round);
      continue;
    }
    wfs::DescribeScheduleResponse response;
    const grpc::Status status = DescribeSchedule(**client, name, response);
    if (status.error_code() == grpc::StatusCode::NOT_FOUND) continue;
    if (!status.ok()) {
      return temporal::FromGrpcStatus(status,
                                      absl::StrCat("describing schedule ", ScheduleId(name)));
    }
    stigmer::v1::Schedule& schedule = schedules.emplace_back();
    schedule.set_workflow(name);
    schedule.set_workflow_version(workflow->version());
    schedule.set_schedule_id(ScheduleId(name));
    if (declared->every.has_value()) schedule.set_every(absl::FormatDuration(*declared->every));
    schedule.set_cron(declared->cron);
    for (const auto& time : response.info().future_action_times()) {
      *schedule.add_next_runs() = time;
    }
    schedule.set_paused(response.schedule().state().paused());
    schedule.set_runs(response.info().action_count());
  }
  return schedules;
}

}  // namespace stigmer::server

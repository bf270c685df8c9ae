#include "server/schedule_after_driver.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/proto_time.h"
#include "google/protobuf/util/time_util.h"
#include "server/execution_start.h"
#include "server/workflow_schedules.h"
#include "temporal/payloads.h"
#include "workflow/schedule_after_run.h"

namespace stigmer::server {
namespace {

using google::protobuf::util::TimeUtil;

absl::Time EventTime(const temporal::HistoryEvent& event) {
  return FromProtoTimeMillis(event.event_time());
}

}  // namespace

absl::StatusOr<std::optional<ScheduleAfterState>> DescribeScheduleAfter(
    temporal::TemporalClient& client, const std::string& name) {
  const std::string id = ScheduleId(name);
  absl::StatusOr<temporal::WorkflowDescription> described = client.Describe(id);
  if (absl::IsNotFound(described.status())) return std::nullopt;
  if (!described.ok()) return described.status();
  if (described->status != ::temporal::api::enums::v1::WORKFLOW_EXECUTION_STATUS_RUNNING) {
    return std::nullopt;
  }
  absl::StatusOr<std::vector<temporal::HistoryEvent>> events =
      client.GetFullHistory(id, described->run_id);
  if (!events.ok()) return events.status();
  if (events->empty() || !events->front().has_workflow_execution_started_event_attributes()) {
    return std::nullopt;
  }
  absl::StatusOr<nlohmann::json> runtime = temporal::DecodeJsonPayloadAt(
      events->front().workflow_execution_started_event_attributes().input(), 2);
  if (!runtime.ok() || !runtime->is_object() || !runtime->contains(workflow::kScheduleAfterKey)) {
    return std::nullopt;  // not a driver: a workflow of the same id started by hand
  }
  const nlohmann::json& config = (*runtime)[workflow::kScheduleAfterKey];
  ScheduleAfterState state;
  if (config.value("version", nlohmann::json()).is_number_integer()) {
    state.version = config["version"].get<int>();
  }
  if (config.value("round", nlohmann::json()).is_number_integer()) {
    state.round = config["round"].get<int64_t>();
  }
  // The round before too: a run that ended within a pass of the finder is still found.
  const std::string& previous =
      events->front().workflow_execution_started_event_attributes().continued_execution_run_id();
  if (!previous.empty()) {
    absl::StatusOr<std::vector<temporal::HistoryEvent>> before =
        client.GetFullHistory(id, previous);
    if (before.ok()) state.runs = ChildRunScanner().OnEvents(*before);
  }
  for (ChildRun& run : ChildRunScanner().OnEvents(*events)) state.runs.push_back(std::move(run));
  for (const temporal::HistoryEvent& event : *events) {
    if (event.has_timer_started_event_attributes()) {
      state.next =
          EventTime(event) + absl::Milliseconds(TimeUtil::DurationToMilliseconds(
                                 event.timer_started_event_attributes().start_to_fire_timeout()));
    }
  }
  return state;
}

absl::Status SyncScheduleAfter(temporal::TemporalClient& client, store::Store& store,
                               const stigmer::v1::Workflow& workflow, absl::Duration after,
                               const std::string& task_queue, const std::string& signing_key) {
  absl::StatusOr<std::optional<ScheduleAfterState>> running =
      DescribeScheduleAfter(client, workflow.name());
  if (!running.ok()) return running.status();
  if (running->has_value() && (*running)->version == workflow.version()) return absl::OkStatus();
  if (absl::Status stopped = StopScheduleAfter(client, workflow.name()); !stopped.ok()) {
    return stopped;
  }
  stigmer::v1::CreateExecutionRequest run;
  run.set_workflow(workflow.name());
  run.set_version(workflow.version());
  absl::StatusOr<ExecutionStart> plan =
      PlanExecutionStart(store, run, nlohmann::json::object(), task_queue);
  if (!plan.ok()) return plan.status();
  plan->payloads[2][workflow::kScheduleAfterKey] = {{"after_ms", absl::ToInt64Milliseconds(after)},
                                                    {"round", 1},
                                                    {"task_queue", task_queue},
                                                    {"version", workflow.version()}};
  temporal::StartWorkflowOptions start;
  start.workflow_id = ScheduleId(workflow.name());
  start.workflow_type = plan->workflow_type;
  start.task_queue = task_queue;
  start.input = std::move(plan->payloads);
  start.signing_key = signing_key;
  // No execution timeout: it would bound every round together. Each run has the workflow's.
  absl::StatusOr<std::string> started = client.StartWorkflow(start);
  if (absl::IsAlreadyExists(started.status())) {
    // Another stigmer-server sharing the store started it between: fine if it runs this version.
    running = DescribeScheduleAfter(client, workflow.name());
    if (running.ok() && running->has_value() && (*running)->version == workflow.version()) {
      return absl::OkStatus();
    }
  }
  return started.ok() ? absl::OkStatus() : started.status();
}

absl::Status StopScheduleAfter(temporal::TemporalClient& client, const std::string& name) {
  absl::StatusOr<temporal::WorkflowDescription> described = client.Describe(ScheduleId(name));
  if (absl::IsNotFound(described.status())) return absl::OkStatus();
  if (!described.ok()) return described.status();
  if (described->status != ::temporal::api::enums::v1::WORKFLOW_EXECUTION_STATUS_RUNNING) {
    return absl::OkStatus();
  }
  absl::Status terminated =
      client.Terminate(ScheduleId(name), "", "stigmer: the workflow's schedule.after changed");
  return absl::IsNotFound(terminated) ? absl::OkStatus() : terminated;
}

}  // namespace stigmer::server

#include "durable/workflow_task_handler.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "grpcpp/client_context.h"
#include "spdlog/spdlog.h"
#include "temporal/payloads.h"
#include "temporal/temporal_client.h"

namespace stigmer::durable {
namespace {

namespace tapi = ::temporal::api;
namespace wfs = ::temporal::api::workflowservice::v1;

constexpr absl::Duration kCallTimeout = absl::Seconds(10);

void SetDeadline(grpc::ClientContext& context) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + kCallTimeout));
}

// The answer to query `type`: the stack trace, or a failure naming the supported query.
tapi::query::v1::WorkflowQueryResult AnswerQuery(const std::string& worker, const std::string& type,
                                                 const WorkflowTaskAnswer& answer) {
  tapi::query::v1::WorkflowQueryResult result;
  if (type != kStackTraceQuery) {
    result.set_result_type(tapi::enums::v1::QUERY_RESULT_TYPE_FAILED);
    result.set_error_message(absl::StrCat("unknown query \"", type, "\"; ", worker, " answers \"",
                                          kStackTraceQuery, "\" only"));
    return result;
  }
  result.set_result_type(tapi::enums::v1::QUERY_RESULT_TYPE_ANSWERED);
  const std::string trace = answer.waiting_on.empty() ? std::string("running workflow code")
                                                      : absl::StrJoin(answer.waiting_on, "\n");
  *result.mutable_answer() = temporal::JsonPayloads({trace});
  return result;
}

// One line in workflow-runner's log when a run ends.
void LogOutcome(const std::string& workflow_id, const Command& last) {
  switch (last.command_type()) {
    case tapi::enums::v1::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION:
      spdlog::info("{}: completed", workflow_id);
      break;
    case tapi::enums::v1::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION:
      spdlog::info("{}: failed: {}", workflow_id,
                   last.fail_workflow_execution_command_attributes().failure().message());
      break;
    case tapi::enums::v1::COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION:
      spdlog::info("{}: cancelled", workflow_id);
      break;
    default:
      break;
  }
}

}  // namespace

WorkflowTaskHandler::WorkflowTaskHandler(std::shared_ptr<grpc::Channel> channel,
                                         std::string namespace_name, std::string identity,
                                         std::string worker, WorkflowTaskOptions options,
                                         std::shared_ptr<Program> program)
    : stub_(wfs::WorkflowService::NewStub(std::move(channel))),
      namespace_(std::move(namespace_name)),
      identity_(std::move(identity)),
      worker_(std::move(worker)),
      options_(std::move(options)),
      program_(std::move(program)) {}

absl::StatusOr<std::vector<HistoryEvent>> WorkflowTaskHandler::FullHistory(
    const wfs::PollWorkflowTaskQueueResponse& task) {
  std::vector<HistoryEvent> events(task.history().events().begin(), task.history().events().end());
  std::string token = task.next_page_token();
  while (!token.empty()) {
    wfs::GetWorkflowExecutionHistoryRequest request;
    request.set_namespace_(namespace_);
    *request.mutable_execution() = task.workflow_execution();
    request.set_next_page_token(token);
    wfs::GetWorkflowExecutionHistoryResponse response;
    grpc::ClientContext context;
    SetDeadline(context);
    grpc::Status status = stub_->GetWorkflowExecutionHistory(&context, request, &response);
    if (!status.ok()) {
      return absl::UnavailableError(absl::StrCat("reading the history of ",
                                                 task.workflow_execution().workflow_id(), ": ",
                                                 status.error_message()));
    }
    for (const HistoryEvent& event : response.history().events()) events.push_back(event);
    token = response.next_page_token();
  }
  return events;
}

void WorkflowTaskHandler::HandleWorkflowTask(const wfs::PollWorkflowTaskQueueResponse& task) {
  const std::string& workflow_id = task.workflow_execution().workflow_id();
  WorkflowTaskAnswer answer;
  if (task.workflow_type().name() != program_->workflow_type()) {
    answer.completed = false;
    answer.cause = tapi::enums::v1::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE;
    answer.message = absl::StrCat(worker_, " runs workflows of type \"", program_->workflow_type(),
                                  "\", not \"", task.workflow_type().name(), "\"");
  } else {
    absl::StatusOr<std::vector<HistoryEvent>> events = FullHistory(task);
    if (!events.ok()) {
      // Leave the task unanswered: Temporal hands it out again once it times out.
      spdlog::warn("{}: {}", workflow_id, std::string(events.status().message()));
      return;
    }
    answer =
        ProcessWorkflowTask(*events, workflow_id, task.started_event_id(), options_, *program_);
  }
  if (task.has_query()) {
    AnswerLegacyQuery(task, answer);
    return;
  }
  Respond(task, answer);
}

void WorkflowTaskHandler::Respond(const wfs::PollWorkflowTaskQueueResponse& task,
                                  const WorkflowTaskAnswer& answer) {
  const std::string& workflow_id = task.workflow_execution().workflow_id();
  grpc::ClientContext context;
  SetDeadline(context);
  grpc::Status status;
  if (answer.completed) {
    wfs::RespondWorkflowTaskCompletedRequest request;
    request.set_namespace_(namespace_);
    request.set_task_token(task.task_token());
    request.set_identity(identity_);
    for (const Command& command : answer.commands) *request.add_commands() = command;
    for (const auto& [id, query] : task.queries()) {
      (*request.mutable_query_results())[id] = AnswerQuery(worker_, query.query_type(), answer);
    }
    wfs::RespondWorkflowTaskCompletedResponse response;
    status = stub_->RespondWorkflowTaskCompleted(&context, request, &response);
    spdlog::debug("{}: workflow task answered with {} commands", workflow_id,
                  answer.commands.size());
    if (!answer.commands.empty()) LogOutcome(workflow_id, answer.commands.back());
  } else {
    spdlog::warn("{}: workflow task failed: {}", workflow_id, answer.message);
    wfs::RespondWorkflowTaskFailedRequest request;
    request.set_namespace_(namespace_);
    request.set_task_token(task.task_token());
    request.set_identity(identity_);
    request.set_cause(answer.cause);
    request.mutable_failure()->set_message(answer.message);
    request.mutable_failure()->set_source(absl::StrCat("stigmer-", worker_));
    wfs::RespondWorkflowTaskFailedResponse response;
    status = stub_->RespondWorkflowTaskFailed(&context, request, &response);
  }
  if (!status.ok()) {
    spdlog::warn("{}: cannot answer the workflow task: {} (Temporal hands it out again)",
                 workflow_id, status.error_message());
  }
}

void WorkflowTaskHandler::AnswerLegacyQuery(const wfs::PollWorkflowTaskQueueResponse& task,
                                            const WorkflowTaskAnswer& answer) {
  wfs::RespondQueryTaskCompletedRequest request;
  request.set_namespace_(namespace_);
  request.set_task_token(task.task_token());
  if (!answer.completed) {
    request.set_completed_type(tapi::enums::v1::QUERY_RESULT_TYPE_FAILED);
    request.set_error_message(answer.message);
  } else {
    tapi::query::v1::WorkflowQueryResult result =
        AnswerQuery(worker_, task.query().query_type(), answer);
    request.set_completed_type(result.result_type());
    *request.mutable_query_result() = result.answer();
    request.set_error_message(result.error_message());
  }
  wfs::RespondQueryTaskCompletedResponse response;
  grpc::ClientContext context;
  SetDeadline(context);
  grpc::Status status = stub_->RespondQueryTaskCompleted(&context, request, &response);
  if (!status.ok()) {
    spdlog::warn("{}: cannot answer the query: {}", task.workflow_execution().workflow_id(),
                 status.error_message());
  }
}

}  // namespace stigmer::durable

#include "workflow/workflow_task_handler.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "grpcpp/client_context.h"
#include "spdlog/spdlog.h"
#include "temporal/payloads.h"
#include "temporal/temporal_client.h"

namespace stigmer::workflow {
namespace {

namespace tapi = ::temporal::api;
namespace wfs = ::temporal::api::workflowservice::v1;

constexpr absl::Duration kCallTimeout = absl::Seconds(10);

void SetDeadline(grpc::ClientContext& context) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + kCallTimeout));
}

// The answer to query `type`: the stack trace, or a failure naming the supported query.
tapi::query::v1::WorkflowQueryResult AnswerQuery(const std::string& type,
                                                 const WorkflowTaskAnswer& answer) {
  tapi::query::v1::WorkflowQueryResult result;
  if (type != kStackTraceQuery) {
    result.set_result_type(tapi::enums::v1::QUERY_RESULT_TYPE_FAILED);
    result.set_error_message(absl::StrCat(
        "unknown query \"", type, "\"; workflow-runner answers \"", kStackTraceQuery, "\" only"));
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

ServerlessWorkflowTaskHandler::ServerlessWorkflowTaskHandler(std::shared_ptr<grpc::Channel> channel,
                                                             std::string namespace_name,
                                                             std::string identity,
                                                             WorkflowTaskOptions options)
    : stub_(wfs::WorkflowService::NewStub(std::move(channel))),
      namespace_(std::move(namespace_name)),
      identity_(std::move(identity)),
      options_(std::move(options)) {}

absl::StatusOr<std::vector<HistoryEvent>> ServerlessWorkflowTaskHandler::FullHistory(
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

ServerlessWorkflowTaskHandler::Evaluator ServerlessWorkflowTaskHandler::TakeEvaluator() {
  {
    absl::MutexLock lock(&evaluators_mutex_);
    if (!idle_evaluators_.empty()) {
      Evaluator evaluator = std::move(idle_evaluators_.back());
      idle_evaluators_.pop_back();
      return evaluator;
    }
  }
  Evaluator made;
  if (options_.sandbox_binary.empty()) {
    made.evaluator = std::make_unique<ExpressionEvaluator>();
  } else {
    auto sandbox =
        std::make_unique<ExpressionSandbox>(options_.sandbox_binary, options_.expression_limits);
    made.sandbox = sandbox.get();
    made.evaluator = std::make_unique<ExpressionEvaluator>(std::move(sandbox));
  }
  return made;
}

void ServerlessWorkflowTaskHandler::ReturnEvaluator(Evaluator evaluator) {
  absl::MutexLock lock(&evaluators_mutex_);
  idle_evaluators_.push_back(std::move(evaluator));
}

void ServerlessWorkflowTaskHandler::HandleWorkflowTask(
    const wfs::PollWorkflowTaskQueueResponse& task) {
  const std::string& workflow_id = task.workflow_execution().workflow_id();
  WorkflowTaskAnswer answer;
  if (task.workflow_type().name() != temporal::kServerlessWorkflowType) {
    answer.completed = false;
    answer.cause = tapi::enums::v1::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE;
    answer.message =
        absl::StrCat("workflow-runner runs workflows of type \"", temporal::kServerlessWorkflowType,
                     "\", not \"", task.workflow_type().name(), "\"");
  } else {
    absl::StatusOr<std::vector<HistoryEvent>> events = FullHistory(task);
    if (!events.ok()) {
      // Leave the task unanswered: Temporal hands it out again once it times out.
      spdlog::warn("{}: {}", workflow_id, std::string(events.status().message()));
      return;
    }
    Evaluator evaluator = TakeEvaluator();
    if (evaluator.sandbox != nullptr) {
      evaluator.sandbox->set_task_deadline(absl::Now() + options_.expression_task_budget,
                                           options_.expression_task_budget);
    }
    WorkflowTaskOptions options = options_;
    options.interpreter.evaluator = evaluator.evaluator.get();
    answer =
        ProcessWorkflowTask(*events, workflow_id, task.started_event_id(), options, documents_);
    if (std::optional<absl::Status> failure =
            evaluator.sandbox != nullptr ? evaluator.sandbox->TakeFailure() : std::nullopt) {
      // Not the run's fault: fail the task, and Temporal hands it out again.
      answer = WorkflowTaskAnswer{};
      answer.completed = false;
      answer.cause = tapi::enums::v1::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE;
      answer.message = std::string(failure->message());
    }
    ReturnEvaluator(std::move(evaluator));
  }
  if (task.has_query()) {
    AnswerLegacyQuery(task, answer);
    return;
  }
  Respond(task, answer);
}

void ServerlessWorkflowTaskHandler::Respond(const wfs::PollWorkflowTaskQueueResponse& task,
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
      (*request.mutable_query_results())[id] = AnswerQuery(query.query_type(), answer);
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
    request.mutable_failure()->set_source("stigmer-workflow-runner");
    wfs::RespondWorkflowTaskFailedResponse response;
    status = stub_->RespondWorkflowTaskFailed(&context, request, &response);
  }
  if (!status.ok()) {
    spdlog::warn("{}: cannot answer the workflow task: {} (Temporal hands it out again)",
                 workflow_id, status.error_message());
  }
}

void ServerlessWorkflowTaskHandler::AnswerLegacyQuery(
    const wfs::PollWorkflowTaskQueueResponse& task, const WorkflowTaskAnswer& answer) {
  wfs::RespondQueryTaskCompletedRequest request;
  request.set_namespace_(namespace_);
  request.set_task_token(task.task_token());
  if (!answer.completed) {
    request.set_completed_type(tapi::enums::v1::QUERY_RESULT_TYPE_FAILED);
    request.set_error_message(answer.message);
  } else {
    tapi::query::v1::WorkflowQueryResult result = AnswerQuery(task.query().query_type(), answer);
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

}  // namespace stigmer::workflow

#include "durable/workflow_task_handler.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "durable/quiet_workflow_task.h"
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

// The cache key of a run; run ids never hold '/'.
std::string RunKey(const tapi::common::v1::WorkflowExecution& execution) {
  return absl::StrCat(execution.workflow_id(), "/", execution.run_id());
}

bool EndsRun(const WorkflowTaskAnswer& answer) {
  if (!answer.completed) return true;
  if (answer.commands.empty()) return false;
  switch (answer.commands.back().command_type()) {
    case tapi::enums::v1::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION:
    case tapi::enums::v1::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION:
    case tapi::enums::v1::COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION:
    case tapi::enums::v1::COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION:
      return true;
    default:
      return false;
  }
}

}  // namespace

StickyExecution StickyExecutionOf(const temporal::WorkerOptions& options) {
  StickyExecution sticky;
  if (options.sticky_cache_runs == 0) return sticky;
  sticky.queue = options.sticky_task_queue;
  sticky.max_runs = options.sticky_cache_runs;
  sticky.max_bytes = options.sticky_cache_bytes;
  return sticky;
}

WorkflowTaskHandler::WorkflowTaskHandler(std::shared_ptr<grpc::Channel> channel,
                                         std::string namespace_name, std::string identity,
                                         std::string worker, WorkflowTaskOptions options,
                                         std::shared_ptr<Program> program, StickyExecution sticky,
                                         std::shared_ptr<ProgressReporter> progress)
    : stub_(wfs::WorkflowService::NewStub(std::move(channel))),
      namespace_(std::move(namespace_name)),
      identity_(std::move(identity)),
      worker_(std::move(worker)),
      options_(std::move(options)),
      program_(std::move(program)),
      sticky_(std::move(sticky)),
      progress_(std::move(progress)) {
  if (!sticky_.queue.empty() && sticky_.max_runs > 0) {
    cache_ = std::make_unique<StickyRunCache>(sticky_.max_runs, sticky_.max_bytes);
  }
}

absl::Status WorkflowTaskHandler::ReadPages(const tapi::common::v1::WorkflowExecution& execution,
                                            std::string page_token,
                                            std::vector<HistoryEvent>& events) {
  do {
    wfs::GetWorkflowExecutionHistoryRequest request;
    request.set_namespace_(namespace_);
    *request.mutable_execution() = execution;
    request.set_next_page_token(page_token);
    wfs::GetWorkflowExecutionHistoryResponse response;
    grpc::ClientContext context;
    SetDeadline(context);
    grpc::Status status = stub_->GetWorkflowExecutionHistory(&context, request, &response);
    if (!status.ok()) {
      return absl::UnavailableError(absl::StrCat("reading the history of ", execution.workflow_id(),
                                                 ": ", status.error_message()));
    }
    for (const HistoryEvent& event : response.history().events()) events.push_back(event);
    page_token = response.next_page_token();
  } while (!page_token.empty());
  return absl::OkStatus();
}

absl::StatusOr<std::vector<HistoryEvent>> WorkflowTaskHandler::History(
    const wfs::PollWorkflowTaskQueueResponse& task) {
  const auto& sent = task.history().events();
  std::vector<HistoryEvent> events;
  if (!sent.empty() && sent[0].event_id() == 1) {  // the whole history, maybe in pages
    events.assign(sent.begin(), sent.end());
    if (!task.next_page_token().empty()) {
      if (absl::Status read = ReadPages(task.workflow_execution(), task.next_page_token(), events);
          !read.ok()) {
        return read;
      }
    }
    return events;
  }
  // A sticky task: only the events since this worker's last answer. A query must not take the
  // run out of the cache while its next task may be under way.
  if (cache_ != nullptr && !task.has_query() && !sent.empty() && task.next_page_token().empty()) {
    std::optional<std::vector<HistoryEvent>> cached =
        cache_->Take(RunKey(task.workflow_execution()));
    if (cached && !cached->empty() && cached->back().event_id() + 1 == sent[0].event_id()) {
      events = *std::move(cached);
      events.insert(events.end(), sent.begin(), sent.end());
      return events;
    }
  }
  spdlog::debug(
      "{}: a task of this run on the sticky queue, but its history is not cached here; "
      "reading it whole",
      task.workflow_execution().workflow_id());
  if (absl::Status read = ReadPages(task.workflow_execution(), "", events); !read.ok()) return read;
  return events;
}

void WorkflowTaskHandler::Keep(const tapi::common::v1::WorkflowExecution& execution,
                               std::vector<HistoryEvent> events) {
  for (const std::string& evicted : cache_->Put(RunKey(execution), std::move(events))) {
    const size_t slash = evicted.rfind('/');
    wfs::ResetStickyTaskQueueRequest request;
    request.set_namespace_(namespace_);
    request.mutable_execution()->set_workflow_id(evicted.substr(0, slash));
    request.mutable_execution()->set_run_id(evicted.substr(slash + 1));
    wfs::ResetStickyTaskQueueResponse response;
    grpc::ClientContext context;
    SetDeadline(context);
    // Best effort: without it, the run's next task waits out schedule_to_start on this queue.
    grpc::Status status = stub_->ResetStickyTaskQueue(&context, request, &response);
    spdlog::debug("{}: evicted from the sticky cache ({})", request.execution().workflow_id(),
                  status.ok() ? "reset" : status.error_message());
  }
}

void WorkflowTaskHandler::HandleWorkflowTask(const wfs::PollWorkflowTaskQueueResponse& task) {
  const std::string& workflow_id = task.workflow_execution().workflow_id();
  WorkflowTaskAnswer answer;
  std::vector<HistoryEvent> events;
  if (task.workflow_type().name() != program_->workflow_type()) {
    answer.completed = false;
    answer.cause = tapi::enums::v1::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE;
    answer.message = absl::StrCat(worker_, " runs workflows of type \"", program_->workflow_type(),
                                  "\", not \"", task.workflow_type().name(), "\"");
  } else {
    absl::StatusOr<std::vector<HistoryEvent>> read = History(task);
    if (!read.ok()) {
      // Leave the task unanswered: Temporal hands it out again once it times out.
      spdlog::warn("{}: {}", workflow_id, std::string(read.status().message()));
      return;
    }
    events = *std::move(read);
    answer = ProcessWorkflowTask(events, workflow_id, task.started_event_id(), options_, *program_);
  }
  if (task.has_query()) {
    AnswerLegacyQuery(task, answer);
    return;
  }
  const bool sticky = cache_ != nullptr && !EndsRun(answer);
  const bool answered = Respond(task, answer, sticky);
  if (answered && answer.completed && progress_ != nullptr &&
      !IsQuietWorkflowTask(events, answer.commands)) {
    // The task's completion is the event after its start.
    progress_->Report(workflow_id, task.workflow_execution().run_id(), task.started_event_id() + 1);
  }
  if (answered && sticky) {
    Keep(task.workflow_execution(), std::move(events));
  } else if (cache_ != nullptr) {
    // A task from the normal queue may have left an older copy behind.
    cache_->Take(RunKey(task.workflow_execution()));
  }
}

bool WorkflowTaskHandler::Respond(const wfs::PollWorkflowTaskQueueResponse& task,
                                  const WorkflowTaskAnswer& answer, bool sticky) {
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
    if (sticky) {
      auto* attributes = request.mutable_sticky_attributes();
      attributes->mutable_worker_task_queue()->set_name(sticky_.queue);
      attributes->mutable_worker_task_queue()->set_kind(tapi::enums::v1::TASK_QUEUE_KIND_STICKY);
      attributes->mutable_worker_task_queue()->set_normal_name(
          task.workflow_execution_task_queue().name());
      attributes->mutable_schedule_to_start_timeout()->set_seconds(
          absl::ToInt64Seconds(sticky_.schedule_to_start));
    }
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
  return status.ok();
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

#ifndef STIGMER_TESTS_TESTING_TEST_RESPONDER_H_
#define STIGMER_TESTS_TESTING_TEST_RESPONDER_H_

// A hand-written stand-in for a worker, for tests that need a workflow to make progress before
// workflow-runner exists: it polls one task queue of the real Temporal server and answers each
// task with the commands the test chooses. Not a fake of Temporal: Temporal records everything.

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/client_context.h"
#include "nlohmann/json.hpp"
#include "temporal/payloads.h"
#include "temporal/temporal_client.h"

namespace stigmer::testing {

namespace tapi = ::temporal::api;

class TestResponder {
 public:
  TestResponder(temporal::TemporalClient& client, std::string task_queue)
      : client_(client), task_queue_(std::move(task_queue)) {}

  // The next workflow task of the queue (waits up to 30 s).
  absl::StatusOr<tapi::workflowservice::v1::PollWorkflowTaskQueueResponse> PollWorkflowTask() {
    tapi::workflowservice::v1::PollWorkflowTaskQueueRequest request;
    request.set_namespace_(client_.options().namespace_name);
    *request.mutable_task_queue() = TaskQueue();
    request.set_identity("test-responder");
    tapi::workflowservice::v1::PollWorkflowTaskQueueResponse response;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    auto status = client_.stub().PollWorkflowTaskQueue(&context, request, &response);
    if (!status.ok()) return temporal::FromGrpcStatus(status, "polling a workflow task");
    if (response.task_token().empty()) return absl::DeadlineExceededError("no workflow task");
    return response;
  }

  absl::Status CompleteWorkflowTask(const std::string& task_token,
                                    std::vector<tapi::command::v1::Command> commands) {
    tapi::workflowservice::v1::RespondWorkflowTaskCompletedRequest request;
    request.set_namespace_(client_.options().namespace_name);
    request.set_task_token(task_token);
    request.set_identity("test-responder");
    for (auto& command : commands) *request.add_commands() = std::move(command);
    tapi::workflowservice::v1::RespondWorkflowTaskCompletedResponse response;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    return temporal::FromGrpcStatus(
        client_.stub().RespondWorkflowTaskCompleted(&context, request, &response),
        "completing a workflow task");
  }

  // Polls the next workflow task and completes it with `commands`.
  absl::Status RespondNextWorkflowTask(std::vector<tapi::command::v1::Command> commands) {
    auto task = PollWorkflowTask();
    if (!task.ok()) return task.status();
    return CompleteWorkflowTask(task->task_token(), std::move(commands));
  }

  absl::StatusOr<tapi::workflowservice::v1::PollActivityTaskQueueResponse> PollActivityTask() {
    tapi::workflowservice::v1::PollActivityTaskQueueRequest request;
    request.set_namespace_(client_.options().namespace_name);
    *request.mutable_task_queue() = TaskQueue();
    request.set_identity("test-responder");
    tapi::workflowservice::v1::PollActivityTaskQueueResponse response;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    auto status = client_.stub().PollActivityTaskQueue(&context, request, &response);
    if (!status.ok()) return temporal::FromGrpcStatus(status, "polling an activity task");
    if (response.task_token().empty()) return absl::DeadlineExceededError("no activity task");
    return response;
  }

  // Polls the next activity task and completes it with `result`.
  absl::Status CompleteNextActivity(const nlohmann::json& result) {
    auto task = PollActivityTask();
    if (!task.ok()) return task.status();
    tapi::workflowservice::v1::RespondActivityTaskCompletedRequest request;
    request.set_namespace_(client_.options().namespace_name);
    request.set_task_token(task->task_token());
    request.set_identity("test-responder");
    *request.mutable_result() = temporal::JsonPayloads({result});
    tapi::workflowservice::v1::RespondActivityTaskCompletedResponse response;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    return temporal::FromGrpcStatus(
        client_.stub().RespondActivityTaskCompleted(&context, request, &response),
        "completing an activity task");
  }

  // Polls the next activity task and fails it with `failure`.
  absl::Status FailNextActivity(const tapi::failure::v1::Failure& failure) {
    auto task = PollActivityTask();
    if (!task.ok()) return task.status();
    tapi::workflowservice::v1::RespondActivityTaskFailedRequest request;
    request.set_namespace_(client_.options().namespace_name);
    request.set_task_token(task->task_token());
    request.set_identity("test-responder");
    *request.mutable_failure() = failure;
    tapi::workflowservice::v1::RespondActivityTaskFailedResponse response;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    return temporal::FromGrpcStatus(
        client_.stub().RespondActivityTaskFailed(&context, request, &response),
        "failing an activity task");
  }

  tapi::taskqueue::v1::TaskQueue TaskQueue() const {
    tapi::taskqueue::v1::TaskQueue queue;
    queue.set_name(task_queue_);
    queue.set_kind(tapi::enums::v1::TASK_QUEUE_KIND_NORMAL);
    return queue;
  }

  // Commands, built as workflow-runner will build them.
  tapi::command::v1::Command TaskMarker(const nlohmann::json& task) const {
    tapi::command::v1::Command command;
    command.set_command_type(tapi::enums::v1::COMMAND_TYPE_RECORD_MARKER);
    auto* marker = command.mutable_record_marker_command_attributes();
    marker->set_marker_name("stigmer.task");
    (*marker->mutable_details())["task"] = temporal::JsonPayloads({task});
    return command;
  }

  tapi::command::v1::Command ScheduleActivity(const std::string& activity_id,
                                              const std::string& kind,
                                              const nlohmann::json& task) const {
    tapi::command::v1::Command command;
    command.set_command_type(tapi::enums::v1::COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK);
    auto* activity = command.mutable_schedule_activity_task_command_attributes();
    activity->set_activity_id(activity_id);
    activity->mutable_activity_type()->set_name(kind);
    *activity->mutable_task_queue() = TaskQueue();
    *activity->mutable_input() = temporal::JsonPayloads({task, nlohmann::json::object()});
    activity->mutable_start_to_close_timeout()->set_seconds(30);
    activity->mutable_retry_policy()->set_maximum_attempts(1);
    return command;
  }

  static tapi::command::v1::Command Complete(const nlohmann::json& result) {
    tapi::command::v1::Command command;
    command.set_command_type(tapi::enums::v1::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION);
    *command.mutable_complete_workflow_execution_command_attributes()->mutable_result() =
        temporal::JsonPayloads({result});
    return command;
  }

  static tapi::command::v1::Command Fail(const tapi::failure::v1::Failure& failure) {
    tapi::command::v1::Command command;
    command.set_command_type(tapi::enums::v1::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION);
    *command.mutable_fail_workflow_execution_command_attributes()->mutable_failure() = failure;
    return command;
  }

  static tapi::command::v1::Command CancelWorkflow() {
    tapi::command::v1::Command command;
    command.set_command_type(tapi::enums::v1::COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION);
    command.mutable_cancel_workflow_execution_command_attributes();
    return command;
  }

  tapi::command::v1::Command ContinueAsNew(const std::string& workflow_type,
                                           std::vector<nlohmann::json> input) const {
    tapi::command::v1::Command command;
    command.set_command_type(tapi::enums::v1::COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION);
    auto* next = command.mutable_continue_as_new_workflow_execution_command_attributes();
    next->mutable_workflow_type()->set_name(workflow_type);
    *next->mutable_task_queue() = TaskQueue();
    *next->mutable_input() = temporal::JsonPayloads(input);
    return command;
  }

  // A failure as workflow-runner raises a DSL error: application_failure_info.type = the error
  // type URI, its first details payload the problem details.
  static tapi::failure::v1::Failure DslFailure(const nlohmann::json& problem) {
    tapi::failure::v1::Failure failure;
    failure.set_message(problem.value("title", ""));
    failure.set_source("stigmer-workflow-runner");
    auto* info = failure.mutable_application_failure_info();
    info->set_type(problem.value("type", ""));
    info->set_non_retryable(true);
    *info->mutable_details() = temporal::JsonPayloads({problem});
    return failure;
  }

 private:
  temporal::TemporalClient& client_;
  std::string task_queue_;
};

}  // namespace stigmer::testing

#endif  // STIGMER_TESTS_TESTING_TEST_RESPONDER_H_

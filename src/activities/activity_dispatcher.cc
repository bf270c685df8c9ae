#include "activities/activity_dispatcher.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "activities/container_activity.h"
#include "activities/container_command.h"
#include "activities/emit_activity.h"
#include "activities/grpc_activity.h"
#include "activities/http_activity.h"
#include "activities/oauth2_token.h"
#include "activities/resource_activity.h"
#include "activities/script_activity.h"
#include "activities/shell_activity.h"
#include "common/byte_size.h"
#include "common/secret_redactor.h"
#include "durable/workflow_failure.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/client_context.h"
#include "spdlog/spdlog.h"
#include "temporal/payloads.h"
#include "temporal/poller_progress.h"

namespace stigmer::activities {
namespace {

namespace tapi = ::temporal::api;
namespace wfs = ::temporal::api::workflowservice::v1;

constexpr absl::Duration kCallTimeout = absl::Seconds(10);

std::unique_ptr<grpc::ClientContext> NewContext() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + kCallTimeout));
  return context;
}

// Heartbeats on behalf of a running activity, at most every `interval`, and remembers when
// Temporal asked it to stop.
class HeartbeatControl final : public ActivityControl {
 public:
  HeartbeatControl(wfs::WorkflowService::Stub& stub, const std::string& namespace_name,
                   const std::string& identity, const std::string& task_token,
                   absl::Duration interval)
      : stub_(stub),
        namespace_(namespace_name),
        identity_(identity),
        task_token_(task_token),
        interval_(interval),
        last_beat_(absl::Now()) {}

  bool KeepGoing() override {
    temporal::NotePollerProgress();  // this poller thread is not wedged
    if (stop_) return false;
    const absl::Time now = absl::Now();
    if (now - last_beat_ < interval_) return true;
    last_beat_ = now;
    wfs::RecordActivityTaskHeartbeatRequest request;
    request.set_namespace_(namespace_);
    request.set_task_token(task_token_);
    request.set_identity(identity_);
    wfs::RecordActivityTaskHeartbeatResponse response;
    grpc::Status status = stub_.RecordActivityTaskHeartbeat(NewContext().get(), request, &response);
    if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
      gone_ = stop_ = true;  // the workflow ended, or this attempt timed out
    } else if (status.ok() && response.cancel_requested()) {
      stop_ = true;
    }
    return !stop_;
  }

  bool gone() const { return gone_; }

 private:
  wfs::WorkflowService::Stub& stub_;
  const std::string& namespace_;
  const std::string& identity_;
  const std::string& task_token_;
  const absl::Duration interval_;
  absl::Time last_beat_;
  bool stop_ = false;
  bool gone_ = false;
};

}  // namespace

std::map<std::string, ActivityFunction> SideEffectActivities(const ActivityLimits& limits,
                                                             EventBusEndpoint events) {
  return {
      {"emit", [events](const ActivityInfo& info, const nlohmann::json& request,
                        ActivityControl&) { return RunEmitActivity(info, request, events); }},
      {"http",
       [limits](const ActivityInfo&, const nlohmann::json& request, ActivityControl& control) {
         return RunHttpActivity(request, limits, control);
       }},
      {"grpc",
       [limits](const ActivityInfo&, const nlohmann::json& request, ActivityControl& control) {
         return RunGrpcActivity(request, limits, control);
       }},
      {"shell",
       [limits](const ActivityInfo&, const nlohmann::json& request, ActivityControl& control) {
         return RunShellActivity(request, limits, control);
       }},
      {"script",
       [limits](const ActivityInfo&, const nlohmann::json& request, ActivityControl& control) {
         return RunScriptActivity(request, limits, control, ProcessEnvironment());
       }},
      {"container",
       [limits](const ActivityInfo& info, const nlohmann::json& request, ActivityControl& control) {
         return RunContainerActivity(
             request,
             ContainerNameFrom(absl::StrCat("stigmer-", info.workflow_id, "-", info.activity_id)),
             limits, control, ProcessEnvironment());
       }},
      {"resource", [](const ActivityInfo&, const nlohmann::json& request,
                      ActivityControl&) { return RunResourceActivity(request); }},
  };
}

ActivityDispatcher::ActivityDispatcher(std::shared_ptr<grpc::Channel> channel,
                                       std::string namespace_name, std::string identity,
                                       std::string worker,
                                       std::map<std::string, ActivityFunction> activities,
                                       size_t max_result_bytes)
    : stub_(wfs::WorkflowService::NewStub(std::move(channel))),
      namespace_(std::move(namespace_name)),
      identity_(std::move(identity)),
      worker_(std::move(worker)),
      activities_(std::move(activities)),
      max_result_bytes_(max_result_bytes) {}

ActivityResult ActivityDispatcher::Run(const ActivityInfo& info, const std::string& type,
                                       const nlohmann::json& request,
                                       ActivityControl& control) const {
  if (auto it = activities_.find(type); it != activities_.end()) {
    return it->second(info, request, control);
  }
  std::vector<std::string> types;
  for (const auto& [name, function] : activities_) types.push_back(name);
  return ActivityResult::Failure(
      durable::StandardError("configuration", "Unknown activity",
                             absl::StrCat(worker_, " has no activity \"", type, "\" (it runs ",
                                          absl::StrJoin(types, ", "), ")"),
                             ""));
}

void ActivityDispatcher::HandleActivityTask(const wfs::PollActivityTaskQueueResponse& task) {
  const std::string& kind = task.activity_type().name();
  const std::string label =
      absl::StrCat(task.workflow_execution().workflow_id(), " ", task.activity_id());
  spdlog::debug("{}: {} activity, attempt {}", label, kind, task.attempt());

  absl::Duration heartbeat_timeout = absl::Milliseconds(
      google::protobuf::util::TimeUtil::DurationToMilliseconds(task.heartbeat_timeout()));
  const absl::Duration interval = heartbeat_timeout > absl::ZeroDuration()
                                      ? std::max(absl::Milliseconds(500), heartbeat_timeout / 3)
                                      : absl::Seconds(5);
  HeartbeatControl control(*stub_, namespace_, identity_, task.task_token(), interval);

  absl::StatusOr<nlohmann::json> input = temporal::DecodeJsonPayloadAt(task.input(), 1);
  const ActivityInfo info{task.workflow_execution().workflow_id(),
                          task.workflow_execution().run_id(), task.activity_id(), task.attempt()};
  if (input.ok() && input->is_object()) {
    (*input)[kRunKey] = absl::StrCat(info.workflow_id, "/", info.run_id);  // oauth2_token.h
  }
  ActivityResult result = input.ok() ? Run(info, kind, *input, control)
                                     : ActivityResult::Failure(durable::StandardError(
                                           "configuration", "Invalid activity input",
                                           std::string(input.status().message()), ""));
  if (input.ok() && input->is_object() && input->contains(kRedactKey)) {
    std::vector<std::string> secrets;
    for (const nlohmann::json& value : (*input)[kRedactKey]) {
      if (value.is_string()) secrets.push_back(value.get<std::string>());
    }
    result.error = durable::RedactedError(std::move(result.error), SecretRedactor(secrets));
  }

  ::temporal::api::common::v1::Payloads output;
  if (result.ok()) {
    output = temporal::JsonPayloads({result.output});
    // Temporal would refuse the completion and fail the activity with a message of its own
    // that names neither the step nor what to do.
    if (const size_t bytes = output.ByteSizeLong() + kEncryptedPayloadOverheadBytes;
        bytes > max_result_bytes_) {
      result = ActivityResult::Failure(durable::StandardError(
          "runtime", "Result too large",
          absl::StrCat("the ", kind, " step's result is ", HumanBytes(bytes),
                       "; one value sent to Temporal may hold at most ",
                       HumanBytes(max_result_bytes_), ": make the step return less"),
          input.ok() ? ActivityTaskPath(*input) : ""));
    }
  }

  grpc::Status status;
  if (result.state == ActivityResult::State::kCancelled) {
    if (control.gone()) {
      spdlog::info("{}: stopped: the workflow no longer waits for it", label);
      return;
    }
    wfs::RespondActivityTaskCanceledRequest request;
    request.set_namespace_(namespace_);
    request.set_task_token(task.task_token());
    request.set_identity(identity_);
    wfs::RespondActivityTaskCanceledResponse response;
    status = stub_->RespondActivityTaskCanceled(NewContext().get(), request, &response);
  } else if (result.ok()) {
    wfs::RespondActivityTaskCompletedRequest request;
    request.set_namespace_(namespace_);
    request.set_task_token(task.task_token());
    request.set_identity(identity_);
    *request.mutable_result() = std::move(output);
    wfs::RespondActivityTaskCompletedResponse response;
    status = stub_->RespondActivityTaskCompleted(NewContext().get(), request, &response);
  } else {
    spdlog::info("{}: failed: {} {}", label, result.error.title, result.error.detail);
    wfs::RespondActivityTaskFailedRequest request;
    request.set_namespace_(namespace_);
    request.set_task_token(task.task_token());
    request.set_identity(identity_);
    *request.mutable_failure() = durable::FailureFromError(result.error);
    if (result.retryable) {
      request.mutable_failure()->mutable_application_failure_info()->set_non_retryable(false);
    }
    wfs::RespondActivityTaskFailedResponse response;
    status = stub_->RespondActivityTaskFailed(NewContext().get(), request, &response);
  }
  if (!status.ok() && status.error_code() != grpc::StatusCode::NOT_FOUND) {
    spdlog::warn("{}: cannot report the activity's outcome: {}", label, status.error_message());
  }
}

}  // namespace stigmer::activities

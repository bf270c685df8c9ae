#ifndef STIGMER_ACTIVITIES_ACTIVITY_DISPATCHER_H_
#define STIGMER_ACTIVITIES_ACTIVITY_DISPATCHER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "activities/activity_control.h"
#include "common/payload_limits.h"
#include "grpcpp/channel.h"
#include "temporal/api/workflowservice/v1/service.grpc.pb.h"
#include "temporal/task_handlers.h"

namespace stigmer::activities {

// Which activity task an activity runs for.
struct ActivityInfo {
  std::string workflow_id;
  std::string run_id;
  std::string activity_id;
  int attempt = 1;
};

// One activity type: its request (the interpreter's or the agent loop's) → its result.
using ActivityFunction = std::function<ActivityResult(
    const ActivityInfo& info, const nlohmann::json& request, ActivityControl& control)>;

// "http" (RunHttpActivity), "grpc" (RunGrpcActivity), the processes "shell", "script" and
// "container", "resource" (a local file) with `limits`, and "emit" (RunEmitActivity) to
// `events`: the side effects both workflows and agents use.
std::map<std::string, ActivityFunction> SideEffectActivities(const ActivityLimits& limits,
                                                             EventBusEndpoint events = {});

// A worker's answer to activity tasks: runs the function the activity type names on the
// activity's second input payload (the request; the first is {path, name, step}), heartbeating
// while it runs, and reports the outcome:
// - success → RespondActivityTaskCompleted with the output;
// - an error → RespondActivityTaskFailed whose application_failure_info has the error type,
//   non_retryable (retrying is the program's business, e.g. `catch.retry`) unless the function
//   says otherwise, and the problem details; the secrets listed under kRedactKey in the request
//   are redacted from it;
// - a heartbeat answered with a cancel request, or NOT_FOUND (the workflow has ended): the side
//   effect is stopped and the task reported cancelled (or not at all when it is gone);
// - a type it does not know → a configuration error naming the types it runs;
// - an output larger than `max_result_bytes` (Temporal's blob limit, counted encrypted) → a
//   runtime error naming the step's size and the limit, rather than Temporal's own refusal.
// Thread-safe: each poller thread runs one activity at a time.
class ActivityDispatcher final : public temporal::ActivityTaskHandler {
 public:
  // `worker` names the worker in messages ("workflow-runner").
  ActivityDispatcher(std::shared_ptr<grpc::Channel> channel, std::string namespace_name,
                     std::string identity, std::string worker,
                     std::map<std::string, ActivityFunction> activities,
                     size_t max_result_bytes = kMaxPayloadsBytes);

  void HandleActivityTask(
      const ::temporal::api::workflowservice::v1::PollActivityTaskQueueResponse& task) override;

 private:
  ActivityResult Run(const ActivityInfo& info, const std::string& type,
                     const nlohmann::json& request, ActivityControl& control) const;

  const std::unique_ptr<::temporal::api::workflowservice::v1::WorkflowService::Stub> stub_;
  const std::string namespace_;
  const std::string identity_;
  const std::string worker_;
  const std::map<std::string, ActivityFunction> activities_;
  const size_t max_result_bytes_;
};

}  // namespace stigmer::activities

#endif  // STIGMER_ACTIVITIES_ACTIVITY_DISPATCHER_H_

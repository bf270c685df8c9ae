#ifndef STIGMER_WORKFLOW_ACTIVITY_TASK_HANDLER_H_
#define STIGMER_WORKFLOW_ACTIVITY_TASK_HANDLER_H_

#include <memory>
#include <string>

#include "grpcpp/channel.h"
#include "temporal/api/workflowservice/v1/service.grpc.pb.h"
#include "temporal/task_handlers.h"
#include "workflow/activity_control.h"

namespace stigmer::workflow {

// workflow-runner's answer to activity tasks: runs the side effect the activity type names
// ("http": RunHttpActivity, "shell": RunShellActivity) on the activity's second input payload
// (the interpreter's request; the first is {path, name, step}), heartbeating while it runs, and
// reports the outcome:
// - success → RespondActivityTaskCompleted with the output;
// - a DSL error → RespondActivityTaskFailed whose application_failure_info has the error type,
//   non_retryable (retrying is the workflow's `catch.retry`) and the problem details;
// - a heartbeat answered with a cancel request, or NOT_FOUND (the workflow has ended): the side
//   effect is stopped and the task reported cancelled (or not at all when it is gone).
// Thread-safe: each poller thread runs one activity at a time.
class DslActivityTaskHandler final : public temporal::ActivityTaskHandler {
 public:
  DslActivityTaskHandler(std::shared_ptr<grpc::Channel> channel, std::string namespace_name,
                         std::string identity, ActivityLimits limits);

  void HandleActivityTask(
      const ::temporal::api::workflowservice::v1::PollActivityTaskQueueResponse& task) override;

 private:
  const std::unique_ptr<::temporal::api::workflowservice::v1::WorkflowService::Stub> stub_;
  const std::string namespace_;
  const std::string identity_;
  const ActivityLimits limits_;
};

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_ACTIVITY_TASK_HANDLER_H_

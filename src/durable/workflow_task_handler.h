#ifndef STIGMER_DURABLE_WORKFLOW_TASK_HANDLER_H_
#define STIGMER_DURABLE_WORKFLOW_TASK_HANDLER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "durable/workflow_task_processor.h"
#include "grpcpp/channel.h"
#include "temporal/api/workflowservice/v1/service.grpc.pb.h"
#include "temporal/task_handlers.h"

namespace stigmer::durable {

// A worker's answer to workflow tasks of `program`'s type: reads the rest of the run's history
// (every page), decides the task with ProcessWorkflowTask and sends the answer. Query tasks (a
// task carrying `query`, and the `queries` of a normal task) are answered from the same replay:
// the stack-trace query with the steps the run waits on; any other query fails with a message
// listing the supported one. A task of another workflow type fails naming both types.
// Thread-safe: several poller threads may call it at once.
class WorkflowTaskHandler final : public temporal::WorkflowTaskHandler {
 public:
  // `worker` names the worker in messages ("workflow-runner").
  WorkflowTaskHandler(std::shared_ptr<grpc::Channel> channel, std::string namespace_name,
                      std::string identity, std::string worker, WorkflowTaskOptions options,
                      std::shared_ptr<Program> program);

  void HandleWorkflowTask(
      const ::temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse& task) override;

 private:
  absl::StatusOr<std::vector<HistoryEvent>> FullHistory(
      const ::temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse& task);
  void Respond(const ::temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse& task,
               const WorkflowTaskAnswer& answer);
  void AnswerLegacyQuery(
      const ::temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse& task,
      const WorkflowTaskAnswer& answer);

  const std::unique_ptr<::temporal::api::workflowservice::v1::WorkflowService::Stub> stub_;
  const std::string namespace_;
  const std::string identity_;
  const std::string worker_;
  const WorkflowTaskOptions options_;
  const std::shared_ptr<Program> program_;
};

}  // namespace stigmer::durable

#endif  // STIGMER_DURABLE_WORKFLOW_TASK_HANDLER_H_

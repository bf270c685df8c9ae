#ifndef STIGMER_WORKFLOW_WORKFLOW_TASK_HANDLER_H_
#define STIGMER_WORKFLOW_WORKFLOW_TASK_HANDLER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/channel.h"
#include "temporal/api/workflowservice/v1/service.grpc.pb.h"
#include "temporal/task_handlers.h"
#include "workflow/workflow_task_processor.h"

namespace stigmer::workflow {

// workflow-runner's answer to workflow tasks: reads the rest of the run's history (every page),
// decides the task with ProcessWorkflowTask and sends the answer. Query tasks (a task carrying
// `query`, and the `queries` of a normal task) are answered from the same replay: the
// stack-trace query with the steps the run waits on; any other query fails with a message
// listing the supported one. Expressions run in an ExpressionSandbox per concurrent task when
// options.sandbox_binary is set. Thread-safe: several poller threads may call it at once.
class ServerlessWorkflowTaskHandler final : public temporal::WorkflowTaskHandler {
 public:
  ServerlessWorkflowTaskHandler(std::shared_ptr<grpc::Channel> channel, std::string namespace_name,
                                std::string identity, WorkflowTaskOptions options);

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
  // An evaluator (and its sandbox) for one workflow task at a time.
  struct Evaluator {
    std::unique_ptr<ExpressionEvaluator> evaluator;
    ExpressionSandbox* sandbox = nullptr;  // owned by `evaluator`; null: in-process
  };
  Evaluator TakeEvaluator();
  void ReturnEvaluator(Evaluator evaluator);

  const WorkflowTaskOptions options_;
  DocumentCache documents_;
  absl::Mutex evaluators_mutex_;
  std::vector<Evaluator> idle_evaluators_ ABSL_GUARDED_BY(evaluators_mutex_);
};

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_WORKFLOW_TASK_HANDLER_H_

#ifndef STIGMER_DURABLE_WORKFLOW_TASK_HANDLER_H_
#define STIGMER_DURABLE_WORKFLOW_TASK_HANDLER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "durable/progress_reporter.h"
#include "durable/sticky_run_cache.h"
#include "durable/workflow_task_processor.h"
#include "grpcpp/channel.h"
#include "temporal/api/workflowservice/v1/service.grpc.pb.h"
#include "temporal/task_handlers.h"
#include "temporal/worker_options.h"

namespace stigmer::durable {

// Sticky execution (see StickyRunCache): where Temporal sends a run's next workflow task while
// this worker keeps its history.
struct StickyExecution {
  std::string queue;  // the worker's own queue; empty: off (every task reads the whole history)
  absl::Duration schedule_to_start = absl::Seconds(10);  // then Temporal uses the normal queue
  size_t max_runs = 1000;
  size_t max_bytes = 64 << 20;
};

// The sticky execution `options` configure (off when their sticky_cache_runs is 0).
StickyExecution StickyExecutionOf(const temporal::WorkerOptions& options);

// A worker's answer to workflow tasks of `program`'s type: reads the rest of the run's history
// (every page), decides the task with ProcessWorkflowTask and sends the answer. With sticky
// execution, a run that goes on keeps its history here and its next task brings only the new
// events (on sticky.queue); a task whose earlier events are not here (evicted, a restart, a
// failed answer) reads the whole history again, so replay stays the backstop. Evicting a run
// tells Temporal (ResetStickyTaskQueue) so that its next task goes to the normal queue. Query tasks
// (a task carrying `query`, and the `queries` of a normal task) are answered from the same replay:
// the stack-trace query with the steps the run waits on; any other query fails with a message
// listing the supported one. A task of another workflow type fails naming both types.
// Thread-safe: several poller threads may call it at once.
class WorkflowTaskHandler final : public temporal::WorkflowTaskHandler {
 public:
  // `worker` names the worker in messages ("workflow-runner"). `progress`, if not null, hears of
  // every task answered (so that stigmer-server reads the run's history then).
  WorkflowTaskHandler(std::shared_ptr<grpc::Channel> channel, std::string namespace_name,
                      std::string identity, std::string worker, WorkflowTaskOptions options,
                      std::shared_ptr<Program> program, StickyExecution sticky = {},
                      std::shared_ptr<ProgressReporter> progress = nullptr);

  void HandleWorkflowTask(
      const ::temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse& task) override;

 private:
  // The run's history up to the task: the task's events, after the cached ones or the pages
  // that follow them.
  absl::StatusOr<std::vector<HistoryEvent>> History(
      const ::temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse& task);
  // Appends the pages of the run's history from `page_token` ("" the first) to `events`.
  absl::Status ReadPages(const ::temporal::api::common::v1::WorkflowExecution& execution,
                         std::string page_token, std::vector<HistoryEvent>& events);
  // true when Temporal took the answer; `sticky`: with this worker's sticky queue.
  bool Respond(const ::temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse& task,
               const WorkflowTaskAnswer& answer, bool sticky);
  void Keep(const ::temporal::api::common::v1::WorkflowExecution& execution,
            std::vector<HistoryEvent> events);
  void AnswerLegacyQuery(
      const ::temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse& task,
      const WorkflowTaskAnswer& answer);

  const std::unique_ptr<::temporal::api::workflowservice::v1::WorkflowService::Stub> stub_;
  const std::string namespace_;
  const std::string identity_;
  const std::string worker_;
  const WorkflowTaskOptions options_;
  const std::shared_ptr<Program> program_;
  const StickyExecution sticky_;
  std::unique_ptr<StickyRunCache> cache_;  // null when sticky execution is off
  const std::shared_ptr<ProgressReporter> progress_;
};

}  // namespace stigmer::durable

#endif  // STIGMER_DURABLE_WORKFLOW_TASK_HANDLER_H_

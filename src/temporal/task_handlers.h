#ifndef STIGMER_TEMPORAL_TASK_HANDLERS_H_
#define STIGMER_TEMPORAL_TASK_HANDLERS_H_

#include "temporal/api/workflowservice/v1/request_response.pb.h"

namespace stigmer::temporal {

// What a TaskQueuePoller does with a workflow task it received. Called on the poller's workflow
// thread, one task at a time; the next poll starts when the call returns. The handler owns the
// answer (RespondWorkflowTaskCompleted / Failed, RespondQueryTaskCompleted): the poller only polls.
class WorkflowTaskHandler {
 public:
  virtual ~WorkflowTaskHandler() = default;
  virtual void HandleWorkflowTask(
      const ::temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse& task) = 0;
};

// The same for activity tasks, called on the poller's activity thread.
class ActivityTaskHandler {
 public:
  virtual ~ActivityTaskHandler() = default;
  virtual void HandleActivityTask(
      const ::temporal::api::workflowservice::v1::PollActivityTaskQueueResponse& task) = 0;
};

// Until an executor exists: log the task at info level and leave it unanswered, so Temporal
// times it out and hands it out again.
class LoggingWorkflowTaskHandler final : public WorkflowTaskHandler {
 public:
  void HandleWorkflowTask(
      const ::temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse& task) override;
};

class LoggingActivityTaskHandler final : public ActivityTaskHandler {
 public:
  void HandleActivityTask(
      const ::temporal::api::workflowservice::v1::PollActivityTaskQueueResponse& task) override;
};

}  // namespace stigmer::temporal

#endif  // STIGMER_TEMPORAL_TASK_HANDLERS_H_

#ifndef STIGMER_DURABLE_CHILD_WORKFLOW_H_
#define STIGMER_DURABLE_CHILD_WORKFLOW_H_

// Child workflows on the durable core (WorkflowContext::CallChildWorkflow): the commands that
// start and cancel one. ReplayHistory indexes their events (StartChildWorkflowExecution
// Initiated/Failed, ChildWorkflowExecutionStarted/Completed/Failed/Canceled/TimedOut/
// Terminated, RequestCancelExternalWorkflowExecutionInitiated) as steps of kind kChild keyed by
// the child's workflow id.

#include <string>

#include "durable/workflow_context.h"
#include "temporal/api/command/v1/message.pb.h"

namespace stigmer::durable {

// The workflow id of the child started by step `step_id` of workflow `parent_id`.
std::string ChildWorkflowId(const std::string& parent_id, const std::string& step_id);

// StartChildWorkflowExecution of `child` as `workflow_id`, not retried, cancelled when its parent
// closes (PARENT_CLOSE_POLICY_REQUEST_CANCEL), or left running (ABANDON) when the parent does
// not await it.
::temporal::api::command::v1::Command StartChildCommand(const std::string& workflow_id,
                                                        const ChildWorkflow& child);

// RequestCancelExternalWorkflowExecution of the child `workflow_id` (run `run_id`).
::temporal::api::command::v1::Command RequestCancelChildCommand(const std::string& workflow_id,
                                                                const std::string& run_id);

}  // namespace stigmer::durable

#endif  // STIGMER_DURABLE_CHILD_WORKFLOW_H_

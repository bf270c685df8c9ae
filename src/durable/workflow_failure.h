#ifndef STIGMER_DURABLE_WORKFLOW_FAILURE_H_
#define STIGMER_DURABLE_WORKFLOW_FAILURE_H_

// DSL errors as Temporal failures and back: how a failed activity or a failed workflow carries
// its problem details through Temporal's history (the contract stigmer-server's projection
// reads, see src/server/execution_projection.h).

#include "durable/workflow_error.h"
#include "temporal/api/failure/v1/message.pb.h"

namespace stigmer::durable {

// message = the title (the type when there is none), source "stigmer-workflow-runner",
// application_failure_info {type = the error type, non_retryable: retrying is the workflow's
// own business (`catch.retry`), details = [the problem details as JSON]}.
::temporal::api::failure::v1::Failure FailureFromError(const WorkflowError& error);

// The DSL error a failure carries: the problem details in the first details payload of
// application_failure_info; a timeout failure is a timeout error, a cancellation a runtime
// error; anything else a runtime error titled with the failure's message.
WorkflowError ErrorFromFailure(const ::temporal::api::failure::v1::Failure& failure);

}  // namespace stigmer::durable

#endif  // STIGMER_DURABLE_WORKFLOW_FAILURE_H_

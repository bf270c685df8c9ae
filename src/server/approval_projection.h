#ifndef STIGMER_SERVER_APPROVAL_PROJECTION_H_
#define STIGMER_SERVER_APPROVAL_PROJECTION_H_

// How an agent run's approvals show in its execution (the contract is agent/approval.h): the
// approval marker adds a pending call and makes a RUNNING execution WAITING_APPROVAL; the
// approval signal for a pending call removes it, and the execution is RUNNING again once none
// is pending. Other markers and signals are left alone.

#include "stigmer/v1/execution.pb.h"
#include "temporal/api/history/v1/message.pb.h"

namespace stigmer::server {

void ApplyApprovalMarker(const ::temporal::api::history::v1::MarkerRecordedEventAttributes& marker,
                         stigmer::v1::Execution& execution);

void ApplyApprovalSignal(
    const ::temporal::api::history::v1::WorkflowExecutionSignaledEventAttributes& signal,
    stigmer::v1::Execution& execution);

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_APPROVAL_PROJECTION_H_

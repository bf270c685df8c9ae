#include "server/approval_projection.h"

#include <algorithm>

#include "agent/approval.h"
#include "common/json_fields.h"
#include "durable/replay_history.h"
#include "temporal/payloads.h"

namespace stigmer::server {

void ApplyApprovalMarker(const ::temporal::api::history::v1::MarkerRecordedEventAttributes& marker,
                         stigmer::v1::Execution& execution) {
  if (marker.marker_name() != agent::kApprovalName) return;
  const auto details = marker.details().find(durable::kMarkerDetailsKey);
  if (details == marker.details().end()) return;
  absl::StatusOr<nlohmann::json> data = temporal::DecodeJsonPayloadAt(details->second, 0);
  if (!data.ok() || !data->is_object() || !(*data)["call"].is_object()) return;
  const nlohmann::json& call = (*data)["call"];
  const std::string call_id = StringAt(call, "id");
  for (const auto& pending : execution.pending_approvals()) {
    if (pending.call_id() == call_id) return;  // a replayed event
  }
  stigmer::v1::PendingApproval* pending = execution.add_pending_approvals();
  pending->set_call_id(call_id);
  pending->set_tool(StringAt(call, "name"));
  pending->set_arguments(call.value("arguments", nlohmann::json::object()).dump());
  pending->set_path(StringAt(*data, "path"));
  if (execution.phase() == stigmer::v1::EXECUTION_PHASE_RUNNING) {
    execution.set_phase(stigmer::v1::EXECUTION_PHASE_WAITING_APPROVAL);
  }
}

void ApplyApprovalSignal(
    const ::temporal::api::history::v1::WorkflowExecutionSignaledEventAttributes& signal,
    stigmer::v1::Execution& execution) {
  if (signal.signal_name() != agent::kApprovalName) return;
  absl::StatusOr<nlohmann::json> payload = temporal::DecodeJsonPayloadAt(signal.input(), 0);
  if (!payload.ok()) return;
  auto* pending = execution.mutable_pending_approvals();
  const auto decided = std::find_if(pending->begin(), pending->end(), [&](const auto& call) {
    return agent::ReadApprovalSignal(*payload, call.call_id()).has_value();
  });
  if (decided == pending->end()) return;
  pending->erase(decided);
  if (pending->empty() && execution.phase() == stigmer::v1::EXECUTION_PHASE_WAITING_APPROVAL) {
    execution.set_phase(stigmer::v1::EXECUTION_PHASE_RUNNING);
  }
}

}  // namespace stigmer::server

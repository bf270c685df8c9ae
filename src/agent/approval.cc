#include "agent/approval.h"

#include <utility>

#include "workflow/json_pointer.h"

namespace stigmer::agent {

nlohmann::json ApprovalSignal(const std::string& call_id, bool approved,
                              const std::string& reason) {
  nlohmann::json payload = {{"call_id", call_id}, {"approved", approved}};
  if (!reason.empty()) payload["reason"] = reason;
  return payload;
}

std::optional<ApprovalDecision> ReadApprovalSignal(const nlohmann::json& payload,
                                                   const std::string& call_id) {
  if (!payload.is_object()) return std::nullopt;
  const auto id = payload.find("call_id");
  const auto approved = payload.find("approved");
  if (id == payload.end() || !id->is_string() || *id != call_id || approved == payload.end() ||
      !approved->is_boolean()) {
    return std::nullopt;
  }
  ApprovalDecision decision{.approved = approved->get<bool>()};
  if (const auto reason = payload.find("reason"); reason != payload.end() && reason->is_string()) {
    decision.reason = reason->get<std::string>();
  }
  return decision;
}

absl::StatusOr<Step<ApprovalDecision>> AwaitApprovalSignal(durable::WorkflowContext& context,
                                                           const std::string& tool_path, int turn,
                                                           const ToolCall& call) {
  const nlohmann::json details = {
      {"turn", turn},
      {"call", {{"id", call.id}, {"name", call.name}, {"arguments", call.arguments}}}};
  absl::StatusOr<std::optional<nlohmann::json>> signal =
      context.AwaitSignal(workflow::JsonPointerAppend(tool_path, "approval"), kApprovalName,
                          details, [&call](const nlohmann::json& payload) {
                            return ReadApprovalSignal(payload, call.id).has_value();
                          });
  if (!signal.ok()) return signal.status();
  if (!signal->has_value()) return Step<ApprovalDecision>::Pending();
  return Step<ApprovalDecision>::Done(*ReadApprovalSignal(**signal, call.id));
}

}  // namespace stigmer::agent

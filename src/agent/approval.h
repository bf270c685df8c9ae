#ifndef STIGMER_AGENT_APPROVAL_H_
#define STIGMER_AGENT_APPROVAL_H_

// A person's approval of a tool call: what the run records, what approving or denying sends.
//
// - A run that reaches a call of a tool in the agent's `needs_approval` records the marker
//   kApprovalName at "<tool path>/approval" ("/turns/<n>/tools/<call id>/approval"), its
//   details under durable::kMarkerDetailsKey ("data"):
//     {"path", "step", "turn": n, "call": {"id", "name", "arguments"}}
//   and waits (WorkflowContext::AwaitSignal; the wait survives worker restarts: it is history).
// - Approving or denying sends the Temporal signal kApprovalName to the workflow (without a run
//   id: the latest run of the chain) with ApprovalSignal()'s payload
//     {"call_id": <call id>, "approved": true | false, "reason": text (optional)}.
// - The run is WAITING_APPROVAL while an approval marker has no such signal for its call id
//   after it. A signal that came before the wait began, names another call, or has no boolean
//   "approved" is ignored.
// - An approved call runs; a denied one is not run and the model reads
//   "error: the user denied this call: <reason>".

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "agent/agent_loop.h"
#include "durable/workflow_context.h"
#include "nlohmann/json.hpp"

namespace stigmer::agent {

inline constexpr char kApprovalName[] = "stigmer.approval";

// The signal's payload.
nlohmann::json ApprovalSignal(const std::string& call_id, bool approved,
                              const std::string& reason = "");

// The decision `payload` gives on call `call_id`; nullopt when it is not one for that call.
std::optional<ApprovalDecision> ReadApprovalSignal(const nlohmann::json& payload,
                                                   const std::string& call_id);

// Waits for the decision on `call` of `turn`, the tool's step at `tool_path`: the marker, then
// the signal (above). Pending while no decision arrived.
absl::StatusOr<Step<ApprovalDecision>> AwaitApprovalSignal(durable::WorkflowContext& context,
                                                           const std::string& tool_path, int turn,
                                                           const ToolCall& call);

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_APPROVAL_H_

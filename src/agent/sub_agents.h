#ifndef STIGMER_AGENT_SUB_AGENTS_H_
#define STIGMER_AGENT_SUB_AGENTS_H_

// Sub-agents: another agent the model may call as a tool. Each is offered as a tool named after
// the agent, described by its document's description, taking one string argument `message`;
// a call runs it as a child workflow (StigmerAgent, on the parent's task queue) whose answer is
// the tool's result. Its documents come resolved in the run's start (agent_program.h, payload 1
// "sub_agents"), since the worker cannot reach the store:
//   {"<name>": {"document": <agent document>, "sub_agents": {<its own, the same shape>}}}

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "agent/agent_loop.h"
#include "durable/workflow_context.h"
#include "nlohmann/json.hpp"

namespace stigmer::agent {

inline constexpr char kSubAgentRunnerPrefix[] = "agent:";

// The tools for the sub-agents `document` names, in its order, from `resolved` (the start's
// "sub_agents"). InvalidArgument naming a sub-agent the start does not carry.
absl::StatusOr<std::vector<AgentTool>> SubAgentTools(const nlohmann::json& document,
                                                     const nlohmann::json& resolved);

// The child run of `tool` for `call` on `task_queue`: the sub-agent's document, {"message",
// "sub_agents"} and the parent's runtime values `values` (payload 2). InvalidArgument (a tool
// error the model reads) when the call has no string `message`.
absl::StatusOr<durable::ChildWorkflow> SubAgentChild(const AgentTool& tool, const ToolCall& call,
                                                     const nlohmann::json& resolved,
                                                     const nlohmann::json& values,
                                                     const std::string& task_queue);

// What the model reads from a finished child run's output: its answer.
ToolOutput SubAgentOutput(const nlohmann::json& output);

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_SUB_AGENTS_H_

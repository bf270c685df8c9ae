#ifndef STIGMER_WORKFLOW_DSL_AGENT_CALL_H_
#define STIGMER_WORKFLOW_DSL_AGENT_CALL_H_

// `call: agent`, a stigmer extension of the DSL: runs a stored agent as a child workflow and
// outputs its result.
//
//   - ask:
//       call: agent
//       with:
//         agent: researcher            # an applied agent's name (not an expression)
//         message: ${ .question }      # a string or an expression giving one
//         session: ...                 # optional, a string: passed to the agent's run
//         model: {name: ..., temperature: ...}   # optional: overrides the agent's `model`
//
// Output: the agent run's result, {"answer": text, "model_calls": n, "tool_calls": n,
// "todos": [...]}. A failed agent run raises its error (a runtime error "Agent failed" saying
// why). The agents a workflow calls are resolved by stigmer-server when the execution starts,
// each at its latest version, and carried in the start's runtime values (payload 2):
//   {"agents": {"<name>": {"document": <agent document>, "sub_agents": {...}}},
//    "agent_task_queue": "stigmer-agents"}

#include <set>
#include <string>

#include "nlohmann/json.hpp"
#include "workflow/dsl_validation_context.h"

namespace stigmer::workflow {

// Checks the `with` of a `call: agent` task at `pointer`.
void ValidateAgentCall(ValidationContext& context, const nlohmann::ordered_json& task,
                       const std::string& pointer);

// The names of the agents the `call: agent` tasks of `document` (a workflow document) call.
std::set<std::string> CalledAgents(const nlohmann::ordered_json& document);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_DSL_AGENT_CALL_H_

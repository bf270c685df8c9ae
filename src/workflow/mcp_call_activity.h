#ifndef STIGMER_WORKFLOW_MCP_CALL_ACTIVITY_H_
#define STIGMER_WORKFLOW_MCP_CALL_ACTIVITY_H_

#include "activities/activity_control.h"
#include "nlohmann/json.hpp"

namespace stigmer::workflow {

// Runs the side effect of a `call: mcp` task (dsl-reference.md, MCP Call) with agent-runner's MCP
// client (agent/mcp/mcp_client.h): starts the server of `with.transport.stdio` (`command` looked
// for on workflow-runner's PATH, `arguments`, `environment` added to HOME, LOGNAME, PATH, SHELL,
// TERM and USER from workflow-runner's), performs the handshake, sends `with.method` with
// `with.parameters`, and stops the server. The task's timeout (else `limits.http_timeout`), or
// `with.timeout` when shorter, bounds the whole; `control.KeepGoing()` false cancels the request (→
// Cancelled()).
//
// `input` is {"task", "input", "with": the evaluated `with`}.
// Output: the JSON-RPC result, as the server sent it.
// Errors (instance: the task's path): configuration (400) "Invalid MCP call" for a malformed
// `with`; runtime (500) "MCP call failed" — the server could not start (its command not found,
// it exited: its last words), broke the protocol, answered a JSON-RPC error (its code and
// message), or a tools/call result says isError (the tool's text) — as the spec asks; timeout (408)
// "MCP call timed out".
activities::ActivityResult RunMcpCallActivity(const nlohmann::json& input,
                                              const activities::ActivityLimits& limits,
                                              activities::ActivityControl& control);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_MCP_CALL_ACTIVITY_H_

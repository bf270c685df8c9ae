#ifndef STIGMER_WORKFLOW_DSL_MCP_CALL_H_
#define STIGMER_WORKFLOW_DSL_MCP_CALL_H_

// `call: mcp` (dsl-reference.md, MCP Call), run by the "mcp" activity (mcp_call_activity.h):
//
//   - list:
//       call: mcp
//       with:
//         method: tools/call
//         parameters: {name: echo, arguments: {message: hi}}
//         transport:
//           stdio: {command: mcp-server-everything, arguments: [stdio], environment: {}}

#include <string>

#include "nlohmann/json.hpp"
#include "workflow/dsl_validation_context.h"

namespace stigmer::workflow {

// Checks the `with` of a `call: mcp` task at `pointer`: method one of the spec's (tools/list,
// tools/call, prompts/list, prompts/get, resources/list, resources/read,
// resources/templates/list), parameters an object or an expression, timeout a duration,
// protocolVersion and client as the spec has them, transport.stdio {command, arguments (a list),
// environment (an object)}; transport.http is refused (not supported yet).
void ValidateMcpCall(ValidationContext& context, const nlohmann::ordered_json& task,
                     const std::string& pointer);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_DSL_MCP_CALL_H_

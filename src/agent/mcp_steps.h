#ifndef STIGMER_AGENT_MCP_STEPS_H_
#define STIGMER_AGENT_MCP_STEPS_H_

// The MCP steps of an agent run (agent_program.h), on the durable core:
//   /mcp/<server>/tools   activity "mcp.list" {"task", "server"}, one per `mcp_servers` entry,
//                         all scheduled together when the run starts; the loop (and its first
//                         model call) waits until every list is recorded, so that the tools
//                         the model is offered are fixed for the whole run, in its history.
//                         A list that failed fails the run ("Agent failed", "the agent's MCP
//                         tools could not be listed: " and the list's error, which names the
//                         server and its command): a server that cannot start is a broken
//                         agent, not something the model could work around.
//   a call of their tools activity "mcp.call" {"task", "server", "tool", "arguments"} at the
//                         tool call's path (/turns/<n>/tools/<call>); its failure (the server
//                         down, a timeout) and the tool's own error are errors the model reads.

#include <string>

#include "absl/status/statusor.h"
#include "agent/agent_loop.h"
#include "agent/builtin_tools.h"
#include "agent/mcp_toolset.h"
#include "durable/workflow_context.h"
#include "nlohmann/json.hpp"

namespace stigmer::agent {

// "/mcp/<server>/tools".
std::string McpToolsPath(const std::string& server);

struct McpListing {
  enum class State { kPending, kDone, kFailed };
  State state = State::kPending;
  McpToolset toolset;  // kDone
  std::string error;   // kFailed: why the run fails
};

// Lists the tools of every server of `document` through `context` (see above). A non-OK status
// comes from the context (non-determinism) and is passed up unchanged.
absl::StatusOr<McpListing> ListMcpTools(durable::WorkflowContext& context,
                                        const nlohmann::json& document);

// A call of one of `toolset`'s tools as an activity; InvalidArgument (for the model) when it
// names none of them.
absl::StatusOr<ToolActivity> McpToolActivity(const McpToolset& toolset, const ToolCall& call,
                                             const std::string& path);

// What the model reads of a recorded "mcp.call" output.
ToolOutput McpToolOutput(const nlohmann::json& output);

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_MCP_STEPS_H_

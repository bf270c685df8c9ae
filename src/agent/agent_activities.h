#ifndef STIGMER_AGENT_AGENT_ACTIVITIES_H_
#define STIGMER_AGENT_AGENT_ACTIVITIES_H_

#include <map>
#include <string>

#include "activities/activity_dispatcher.h"
#include "agent/mcp_activities.h"
#include "agent/model_activity.h"
#include "durable/replay_context.h"

namespace stigmer::agent {

// agent-runner's activities: "llm.chat" (RunModelActivity with `model`), and the built-in
// tools: "agent.shell" and "agent.http" (the shell and http activities with `limits`, the shell
// in the run's workspace, created 0700 first), "agent.files" (RunFilesActivity); "mcp.list" and
// "mcp.call" (McpActivities with `mcp`, reading runs as the model activity does), whose servers
// stop when the returned functions are destroyed.
std::map<std::string, activities::ActivityFunction> AgentActivities(
    ModelActivityOptions model, const activities::ActivityLimits& limits, McpLimits mcp = {});

// The tools' activities (a shell command, an HTTP request, a file written, an MCP call) may have
// side effects, so each gets one attempt (unless the agent's limits.tool_attempts allows more): an
// attempt lost with its worker fails the call, and the model reads that error, instead of the
// tool running twice. Model calls keep `commands`' attempts (they change nothing).
void SetAgentActivityAttempts(durable::CommandOptions& commands);

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_AGENT_ACTIVITIES_H_

#ifndef STIGMER_AGENT_AGENT_ACTIVITIES_H_
#define STIGMER_AGENT_AGENT_ACTIVITIES_H_

#include <map>
#include <string>

#include "activities/activity_dispatcher.h"
#include "agent/model_activity.h"

namespace stigmer::agent {

// agent-runner's activities: "llm.chat" (RunModelActivity with `model`), and the built-in
// tools: "agent.shell" and "agent.http" (the shell and http activities with `limits`, the shell
// in the run's workspace, created 0700 first), "agent.files" (RunFilesActivity).
std::map<std::string, activities::ActivityFunction> AgentActivities(
    ModelActivityOptions model, const activities::ActivityLimits& limits);

}  // namespace stigmer::agent

#endif  // STIGMER_AGENT_AGENT_ACTIVITIES_H_

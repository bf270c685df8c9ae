#ifndef STIGMER_WORKFLOW_WORKFLOW_ACTIVITIES_H_
#define STIGMER_WORKFLOW_WORKFLOW_ACTIVITIES_H_

#include <map>
#include <string>

#include "activities/activity_dispatcher.h"

namespace stigmer::workflow {

// The activities workflow-runner runs: SideEffectActivities (with `events` for "emit"),
// "openapi" (RunOpenApiActivity, which needs the DSL's YAML reader) and "mcp"
// (RunMcpCallActivity).
std::map<std::string, activities::ActivityFunction> WorkflowRunnerActivities(
    const activities::ActivityLimits& limits, activities::EventBusEndpoint events = {});

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_WORKFLOW_ACTIVITIES_H_

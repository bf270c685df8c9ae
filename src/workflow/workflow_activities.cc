#include "workflow/workflow_activities.h"

#include "workflow/mcp_call_activity.h"
#include "workflow/openapi_activity.h"

namespace stigmer::workflow {

std::map<std::string, activities::ActivityFunction> WorkflowRunnerActivities(
    const activities::ActivityLimits& limits) {
  std::map<std::string, activities::ActivityFunction> functions =
      activities::SideEffectActivities(limits);
  functions["openapi"] = [limits](const activities::ActivityInfo&, const nlohmann::json& request,
                                  activities::ActivityControl& control) {
    return RunOpenApiActivity(request, limits, control);
  };
  functions["mcp"] = [limits](const activities::ActivityInfo&, const nlohmann::json& request,
                              activities::ActivityControl& control) {
    return RunMcpCallActivity(request, limits, control);
  };
  return functions;
}

}  // namespace stigmer::workflow

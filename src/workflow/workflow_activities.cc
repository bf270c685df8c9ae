#include "workflow/workflow_activities.h"

#include <utility>

#include "workflow/mcp_call_activity.h"
#include "workflow/openapi_activity.h"

namespace stigmer::workflow {

std::map<std::string, activities::ActivityFunction> WorkflowRunnerActivities(
    const activities::ActivityLimits& limits, activities::EventBusEndpoint events) {
  std::map<std::string, activities::ActivityFunction> functions =
      activities::SideEffectActivities(limits, std::move(events));
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

#include "agent/agent_activities.h"

#include <memory>
#include <utility>

#include "activities/http_activity.h"
#include "activities/shell_activity.h"
#include "agent/builtin_tools.h"
#include "agent/mcp_toolset.h"
#include "agent/tools/files_activity.h"
#include "agent/tools/workspace.h"
#include "common/json_fields.h"

namespace stigmer::agent {

std::map<std::string, activities::ActivityFunction> AgentActivities(
    ModelActivityOptions model, const activities::ActivityLimits& limits, McpLimits mcp) {
  using activities::ActivityControl;
  using activities::ActivityInfo;
  using activities::ActivityResult;
  auto servers =
      std::make_shared<McpActivities>(McpActivityOptions{.read_history = model.read_history,
                                                         .program = model.program,
                                                         .environment = model.environment,
                                                         .limits = mcp});
  return {
      {kModelActivity,
       [model = std::move(model)](const ActivityInfo& info, const nlohmann::json& request,
                                  ActivityControl& control) {
         return RunModelActivity(model, info, request, control);
       }},
      {kShellToolActivity,
       [limits](const ActivityInfo&, const nlohmann::json& request, ActivityControl& control) {
         const std::string dir = StringAt(request, "working_dir");
         if (absl::StatusOr<Workspace> workspace = Workspace::Open(dir); !workspace.ok()) {
           return ActivityResult::Failure(durable::StandardError(
               "runtime", "No workspace", std::string(workspace.status().message()),
               activities::ActivityTaskPath(request)));
         }
         return activities::RunShellActivity(request, limits, control);
       }},
      {kHttpToolActivity,
       [limits](const ActivityInfo&, const nlohmann::json& request, ActivityControl& control) {
         return activities::RunHttpActivity(request, limits, control);
       }},
      {kFilesToolActivity, [](const ActivityInfo&, const nlohmann::json& request,
                              ActivityControl&) { return RunFilesActivity(request); }},
      {kMcpListActivity,
       [servers](const ActivityInfo& info, const nlohmann::json& request,
                 ActivityControl& control) { return servers->List(info, request, control); }},
      {kMcpCallActivity,
       [servers](const ActivityInfo& info, const nlohmann::json& request,
                 ActivityControl& control) { return servers->Call(info, request, control); }},
  };
}

void SetAgentActivityAttempts(durable::CommandOptions& commands) {
  for (const char* tool :
       {kShellToolActivity, kHttpToolActivity, kFilesToolActivity, kMcpCallActivity}) {
    commands.activity_kinds[tool].max_attempts = 1;
  }
}

}  // namespace stigmer::agent

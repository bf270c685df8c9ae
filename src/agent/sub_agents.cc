#include "agent/sub_agents.h"

#include "absl/strings/str_cat.h"
#include "agent/agent_program.h"

namespace stigmer::agent {

using json = nlohmann::json;

absl::StatusOr<std::vector<AgentTool>> SubAgentTools(const json& document, const json& resolved) {
  std::vector<AgentTool> tools;
  auto names = document.find("sub_agents");
  if (names == document.end() || !names->is_array()) return tools;
  for (const json& name : *names) {
    if (!name.is_string()) continue;
    auto sub = resolved.is_object() ? resolved.find(name.get<std::string>()) : resolved.end();
    if (!resolved.is_object() || sub == resolved.end() || !sub->is_object() ||
        !(*sub)["document"].is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat("the start does not carry the document of sub-agent \"",
                       name.get<std::string>(), "\" (payload 1 \"sub_agents\")"));
    }
    const json& sub_document = (*sub)["document"];
    AgentTool tool;
    tool.spec.name = name.get<std::string>();
    tool.spec.description = sub_document.value("description", "");
    if (tool.spec.description.empty()) {
      tool.spec.description = absl::StrCat("Ask the agent ", tool.spec.name);
    }
    tool.spec.parameters = {
        {"type", "object"},
        {"properties",
         {{"message", {{"type", "string"}, {"description", "what to ask the agent"}}}}},
        {"required", {"message"}}};
    tool.runner = absl::StrCat(kSubAgentRunnerPrefix, tool.spec.name);
    tools.push_back(std::move(tool));
  }
  return tools;
}

absl::StatusOr<durable::ChildWorkflow> SubAgentChild(const AgentTool& tool, const ToolCall& call,
                                                     const json& resolved, const json& values,
                                                     const std::string& task_queue) {
  const std::string name = tool.runner.substr(sizeof(kSubAgentRunnerPrefix) - 1);
  auto message = call.arguments.find("message");
  if (message == call.arguments.end() || !message->is_string()) {
    return absl::InvalidArgumentError(
        absl::StrCat("sub-agent ", name, " takes {\"message\": \"text\"}"));
  }
  const json& sub = resolved.at(name);
  json run = {{"message", *message}};
  if (sub.contains("sub_agents")) run["sub_agents"] = sub["sub_agents"];
  return durable::ChildWorkflow{.workflow_type = kAgentWorkflowType,
                                .task_queue = task_queue,
                                .input = {sub["document"], std::move(run), values}};
}

ToolOutput SubAgentOutput(const json& output) {
  if (output.is_object() && output["answer"].is_string()) return {output["answer"], false};
  return {output.dump(), false};
}

}  // namespace stigmer::agent

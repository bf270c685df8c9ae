// `call: agent` (dsl_agent_call.h): the agent runs as a child workflow on agent-runner's queue.

#include <utility>

#include "absl/strings/str_cat.h"
#include "workflow/task_runner.h"

namespace stigmer::workflow {
namespace {

constexpr char kAgentWorkflowType[] = "StigmerAgent";  // agent/agent_program.h

TaskOutcome InvalidCall(std::string detail, const std::string& path) {
  return TaskOutcome::Raised(
      durable::StandardError("configuration", "Invalid agent call", std::move(detail), path));
}

}  // namespace

absl::StatusOr<TaskOutcome> TaskRunner::RunAgentCall(const nlohmann::ordered_json& task,
                                                     const std::string& path,
                                                     const nlohmann::json& input,
                                                     const ExpressionVariables& variables) {
  absl::StatusOr<nlohmann::json> with = evaluator_.EvaluateValue(
      task.value("with", nlohmann::ordered_json::object()), input, variables);
  if (!with.ok()) return ExpressionFailure(with.status(), path);
  const std::string name = with->value("agent", "");
  auto message = with->find("message");
  if (message == with->end() || !message->is_string()) {
    return InvalidCall("with.message must give a string, the message to the agent", path);
  }
  auto agent = runtime_.agents.find(name);
  if (agent == runtime_.agents.end() || !agent->is_object() || !(*agent)["document"].is_object()) {
    return InvalidCall(absl::StrCat("the execution's start does not carry agent \"", name,
                                    "\"; run the workflow through stigmer-server, which "
                                    "resolves the agents it calls"),
                       path);
  }
  nlohmann::json document = (*agent)["document"];
  if (auto model = with->find("model"); model != with->end() && model->is_object()) {
    if (!document["model"].is_object()) document["model"] = nlohmann::json::object();
    for (const auto& [key, value] : model->items()) document["model"][key] = value;
  }
  nlohmann::json run = {{"message", *message}};
  if (auto session = with->find("session"); session != with->end() && session->is_string()) {
    run["session"] = *session;
  }
  if (agent->contains("sub_agents")) run["sub_agents"] = (*agent)["sub_agents"];
  const durable::ChildWorkflow child{
      .workflow_type = kAgentWorkflowType,
      .task_queue = runtime_.agent_task_queue,
      .input = {std::move(document),
                std::move(run),
                {{"environment", runtime_.environment}, {"secrets", runtime_.secrets}}}};
  return RunChild(child, path);
}

}  // namespace stigmer::workflow

// `run: workflow` (dsl_run_workflow.h): the child runs as a ServerlessWorkflow child workflow on
// workflow-runner's own queue, with the document stigmer-server resolved at start.

#include <utility>

#include "absl/strings/str_cat.h"
#include "temporal/temporal_client.h"
#include "workflow/dsl_run_workflow.h"
#include "workflow/task_runner.h"

namespace stigmer::workflow {

absl::StatusOr<TaskOutcome> TaskRunner::RunWorkflowRun(const nlohmann::ordered_json& task,
                                                       const std::string& path,
                                                       const nlohmann::json& input,
                                                       const ExpressionVariables& variables) {
  const nlohmann::ordered_json& reference = task["run"]["workflow"];
  const std::string name = reference.value("name", "");
  const std::string version = reference.value("version", "");
  nlohmann::json child_input = nlohmann::json::object();
  if (auto given = reference.find("input"); given != reference.end()) {
    absl::StatusOr<nlohmann::json> evaluated = evaluator_.EvaluateValue(*given, input, variables);
    if (!evaluated.ok()) return ExpressionFailure(evaluated.status(), path);
    child_input = *std::move(evaluated);
  }
  auto resolved = runtime_.workflows.find(RunWorkflowKey(name, version));
  if (resolved == runtime_.workflows.end() || !resolved->is_object() ||
      !(*resolved)["document"].is_object()) {
    return TaskOutcome::Raised(durable::StandardError(
        "configuration", "Invalid workflow run",
        absl::StrCat("the execution's start does not carry workflow \"", name, "\" version ",
                     version,
                     "; run the workflow through stigmer-server, which resolves the workflows "
                     "it runs"),
        path));
  }
  nlohmann::json runtime = (*resolved).value("runtime", nlohmann::json::object());
  runtime["environment"] = runtime_.environment;
  runtime["secrets"] = runtime_.secrets;
  runtime["workflow_task_queue"] = runtime_.workflow_task_queue;
  runtime["agent_task_queue"] = runtime_.agent_task_queue;
  const durable::ChildWorkflow child{
      .workflow_type = temporal::kServerlessWorkflowType,
      .task_queue = runtime_.workflow_task_queue,
      .input = {(*resolved)["document"], std::move(child_input), std::move(runtime)},
      .await_result = task["run"].value("await", nlohmann::ordered_json(true)) != false};
  absl::StatusOr<TaskOutcome> outcome = RunChild(child, path);
  // Not awaited, the task outputs its (transformed) input, as the DSL's `await` says.
  if (outcome.ok() && !child.await_result && outcome->kind == TaskOutcome::Kind::kCompleted) {
    return TaskOutcome::Completed(input);
  }
  return outcome;
}

}  // namespace stigmer::workflow

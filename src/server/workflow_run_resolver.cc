#include "server/workflow_run_resolver.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "activities/local_resource.h"
#include "workflow/dsl_run_workflow.h"
#include "workflow/workflow_document.h"

namespace stigmer::server {

absl::StatusOr<stigmer::v1::Workflow> StoredRunWorkflow(store::Store& store,
                                                        const std::string& caller,
                                                        const std::string& ns,
                                                        const std::string& name,
                                                        const std::string& version) {
  absl::StatusOr<stigmer::v1::Workflow> latest = store.GetWorkflow(name, 0);
  if (absl::IsNotFound(latest.status())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "workflow \"", caller, "\" runs workflow ", ns, "/", name, " version ", version,
        ", which does not exist: stigmer apply it first (`stigmer apply -f <its file>`)"));
  }
  if (!latest.ok()) return latest.status();
  for (int number = latest->version(); number >= 1; --number) {
    absl::StatusOr<stigmer::v1::Workflow> stored =
        number == latest->version() ? latest : store.GetWorkflow(name, number);
    if (stored.ok() && stored->document_version() == version) return stored;
  }
  return absl::FailedPreconditionError(
      absl::StrCat("workflow \"", caller, "\" runs workflow \"", name, "\" version ", version,
                   ", which is not applied (its latest document.version is ",
                   latest->document_version(), "): apply that version, or change `version`"));
}

namespace {

// The document's namespace, which its `run: workflow` tasks share (dsl_run_workflow.h).
std::string Namespace(const nlohmann::ordered_json& document) {
  auto section = document.find("document");
  if (section == document.end() || !section->is_object()) return "";
  return section->value("namespace", std::string());
}

}  // namespace

absl::Status ResolveRunWorkflows(store::Store& store, const nlohmann::ordered_json& document,
                                 const std::vector<std::string>& chain,
                                 const std::string& task_queue, const AgentResolver& agents,
                                 nlohmann::json& runtime) {
  const auto references = workflow::RunWorkflows(document);
  if (references.empty()) return absl::OkStatus();
  nlohmann::json resolved = nlohmann::json::object();
  for (const auto& [name, version] : references) {
    std::vector<std::string> path = chain;
    path.push_back(name);
    for (size_t i = 0; i + 1 < path.size(); ++i) {
      if (path[i] == name) {
        return absl::FailedPreconditionError(
            absl::StrCat("workflow \"", name, "\" runs itself through ", absl::StrJoin(path, " → "),
                         ": a workflow cannot run itself, directly or through others"));
      }
    }
    if (path.size() > static_cast<size_t>(workflow::kMaxWorkflowRunDepth)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "workflows run workflows ", path.size(), " deep (", absl::StrJoin(path, " → "),
          "); the most stigmer runs is ", workflow::kMaxWorkflowRunDepth));
    }
    absl::StatusOr<stigmer::v1::Workflow> stored =
        StoredRunWorkflow(store, chain.back(), Namespace(document), name, version);
    if (!stored.ok()) return stored.status();
    absl::StatusOr<workflow::WorkflowDocument> child =
        workflow::ParseWorkflowDocument(stored->definition());
    if (!child.ok()) return child.status();
    nlohmann::json child_runtime = nlohmann::json::object();
    if (!stored->source_dir().empty()) {
      child_runtime[activities::kSourceDirKey] = stored->source_dir();
    }
    if (absl::Status called = agents(name, child->json, child_runtime); !called.ok()) {
      return called;
    }
    if (absl::Status nested =
            ResolveRunWorkflows(store, child->json, path, task_queue, agents, child_runtime);
        !nested.ok()) {
      return nested;
    }
    resolved[workflow::RunWorkflowKey(name, version)] = {
        {"document", nlohmann::json::parse(child->json.dump())},
        {"runtime", std::move(child_runtime)}};
  }
  runtime["workflows"] = std::move(resolved);
  runtime["workflow_task_queue"] = task_queue;
  return absl::OkStatus();
}

}  // namespace stigmer::server

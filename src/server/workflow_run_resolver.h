#ifndef STIGMER_SERVER_WORKFLOW_RUN_RESOLVER_H_
#define STIGMER_SERVER_WORKFLOW_RUN_RESOLVER_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "server/store/store.h"

namespace stigmer::server {

// Adds to `runtime` what the `call: agent` tasks of workflow `name` (`document`) need.
using AgentResolver = std::function<absl::Status(
    const std::string& name, const nlohmann::ordered_json& document, nlohmann::json& runtime)>;

// The newest stored version of workflow `name` whose document.version is `version`, which
// workflow `caller` (of namespace `ns`) runs. FailedPrecondition naming them when there is none.
absl::StatusOr<stigmer::v1::Workflow> StoredRunWorkflow(store::Store& store,
                                                        const std::string& caller,
                                                        const std::string& ns,
                                                        const std::string& name,
                                                        const std::string& version);

// Resolves the workflows that `document` (the workflow `chain.back()`; `chain` runs from the
// started workflow down to it) starts with `run: workflow`, recursively, into runtime["workflows"]
// and runtime["workflow_task_queue"] (workflow/dsl_run_workflow.h). Each (name, version) is the
// newest stored version whose document.version is `version`. FailedPrecondition, storing
// nothing, for a workflow or version not applied, a cycle ("a → b → a"), or a chain longer than
// workflow::kMaxWorkflowRunDepth.
absl::Status ResolveRunWorkflows(store::Store& store, const nlohmann::ordered_json& document,
                                 const std::vector<std::string>& chain,
                                 const std::string& task_queue, const AgentResolver& agents,
                                 nlohmann::json& runtime);

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_WORKFLOW_RUN_RESOLVER_H_

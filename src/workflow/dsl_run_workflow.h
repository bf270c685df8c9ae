#ifndef STIGMER_WORKFLOW_DSL_RUN_WORKFLOW_H_
#define STIGMER_WORKFLOW_DSL_RUN_WORKFLOW_H_

// `run: workflow`: runs another applied workflow as a Temporal child workflow and outputs its
// output.
//
//   - report:
//       run:
//         workflow:
//           namespace: demo          # must be this document's namespace
//           name: make-report        # an applied workflow's name (not an expression)
//           version: '1.0.0'         # its document.version
//           input: {day: ${ .day }}  # optional: the child's input (expressions allowed)
//
// stigmer-server resolves the workflows a run starts, recursively, when the execution starts:
// for each (name, version) the newest stored version whose document.version matches, carried in
// the start's runtime values (payload 2) as
//   {"workflows": {"<name>@<version>": {"document": …, "runtime": {"agents": …, "workflows": …}}},
//    "workflow_task_queue": "stigmer-workflows"}
// A cycle, or a chain deeper than kMaxWorkflowRunDepth, is refused then.

#include <set>
#include <string>
#include <utility>

#include "nlohmann/json.hpp"
#include "workflow/dsl_validation_context.h"

namespace stigmer::workflow {

// The longest chain of workflows running workflows (the started one counts as 1).
inline constexpr int kMaxWorkflowRunDepth = 8;

// Checks the `run` of a `run: workflow` task at `run_pointer`.
void ValidateWorkflowRun(ValidationContext& context, const nlohmann::ordered_json& run,
                         const std::string& run_pointer);

// The (name, version) of every workflow `document`'s `run: workflow` tasks start.
std::set<std::pair<std::string, std::string>> RunWorkflows(const nlohmann::ordered_json& document);

// The key of a resolved workflow in the runtime values' "workflows".
std::string RunWorkflowKey(const std::string& name, const std::string& version);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_DSL_RUN_WORKFLOW_H_

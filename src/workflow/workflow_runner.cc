#include "workflow/workflow_runner.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "temporal/worker_main.h"

namespace stigmer::workflow {

absl::Status CheckExecutionMode(const EnvironmentLookup& lookup) {
  const std::optional<std::string> mode = lookup("EXECUTION_MODE");
  if (!mode || mode->empty() || *mode == "temporal") return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "EXECUTION_MODE \"", *mode, "\" is not supported; the only execution mode is \"temporal\""));
}

int RunWorkflowRunner() {
  absl::Status mode = CheckExecutionMode(ProcessEnvironment());
  absl::StatusOr<temporal::WorkerOptions> options =
      mode.ok() ? temporal::WorkerOptionsFromEnvironment(ProcessEnvironment(), kWorkflowTaskQueue)
                : absl::StatusOr<temporal::WorkerOptions>(mode);
  if (!options.ok()) {
    std::fprintf(stderr, "workflow-runner: %s\n", std::string(options.status().message()).c_str());
    return 2;
  }
  return temporal::RunWorker(*options);
}

}  // namespace stigmer::workflow

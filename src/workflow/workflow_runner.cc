#include "workflow/workflow_runner.h"

#include <cstdint>
#include <cstdio>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "temporal/worker_main.h"
#include "workflow/activity_task_handler.h"
#include "workflow/workflow_task_handler.h"

namespace stigmer::workflow {
namespace {

// `*value` from variable `name` when it is set: a number from 1 to `max`.
absl::Status ReadPositive(const EnvironmentLookup& lookup, const char* name, int64_t max,
                          int64_t* value) {
  const std::optional<std::string> text = lookup(name);
  if (!text || text->empty()) return absl::OkStatus();
  int64_t parsed = 0;
  if (!absl::SimpleAtoi(*text, &parsed) || parsed < 1 || parsed > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, " must be a number from 1 to ", max, ", not \"", *text, "\""));
  }
  *value = parsed;
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckExecutionMode(const EnvironmentLookup& lookup) {
  const std::optional<std::string> mode = lookup("EXECUTION_MODE");
  if (!mode || mode->empty() || *mode == "temporal") return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "EXECUTION_MODE \"", *mode, "\" is not supported; the only execution mode is \"temporal\""));
}

absl::StatusOr<RunnerSettings> RunnerSettingsFromEnvironment(const EnvironmentLookup& lookup) {
  RunnerSettings settings;
  settings.workflow.commands.task_queue = kWorkflowTaskQueue;
  int64_t iterations = settings.workflow.interpreter.max_iterations;
  int64_t output_bytes = static_cast<int64_t>(settings.activity.max_output_bytes);
  for (absl::Status status :
       {ReadPositive(lookup, "STIGMER_MAX_ITERATIONS", 100000000, &iterations),
        ReadPositive(lookup, "STIGMER_MAX_HISTORY_EVENTS", 50000,
                     &settings.workflow.max_history_events),
        ReadPositive(lookup, "STIGMER_CONTINUE_AS_NEW_EVENTS", 50000,
                     &settings.workflow.continue_as_new_events),
        ReadPositive(lookup, "STIGMER_MAX_OUTPUT_BYTES", int64_t{1} << 30, &output_bytes),
        ReadActivitySettings(lookup, settings.activity, settings.slots)}) {
    if (!status.ok()) return status;
  }
  settings.workflow.interpreter.max_iterations = static_cast<int>(iterations);
  settings.activity.max_output_bytes = static_cast<size_t>(output_bytes);
  ScheduleActivitiesByKind(kWorkflowTaskQueue, settings.activity, settings.workflow.commands);
  return settings;
}

int RunWorkflowRunner() {
  absl::Status mode = CheckExecutionMode(ProcessEnvironment());
  absl::StatusOr<temporal::WorkerOptions> options =
      mode.ok() ? temporal::WorkerOptionsFromEnvironment(ProcessEnvironment(), kWorkflowTaskQueue)
                : absl::StatusOr<temporal::WorkerOptions>(mode);
  absl::StatusOr<RunnerSettings> settings =
      options.ok() ? RunnerSettingsFromEnvironment(ProcessEnvironment())
                   : absl::StatusOr<RunnerSettings>(options.status());
  if (!settings.ok()) {
    std::fprintf(stderr, "workflow-runner: %s\n", std::string(settings.status().message()).c_str());
    return 2;
  }
  options->activity_queues = ActivityQueuesByKind(kWorkflowTaskQueue, settings->slots);
  if (!ProcessEnvironment()("STIGMER_ACTIVITY_POLLERS")) options->activity_pollers = 1;
  return temporal::RunWorker(*options, [&](std::shared_ptr<grpc::Channel> channel) {
    temporal::WorkerHandlers handlers;
    handlers.workflow = std::make_unique<ServerlessWorkflowTaskHandler>(
        channel, options->namespace_name, options->identity, settings->workflow);
    handlers.activity = std::make_unique<DslActivityTaskHandler>(
        std::move(channel), options->namespace_name, options->identity, settings->activity);
    return handlers;
  });
}

}  // namespace stigmer::workflow

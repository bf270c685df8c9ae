#include "workflow/workflow_runner.h"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "activities/activity_dispatcher.h"
#include "activities/shell_group_record.h"
#include "config/key_file.h"
#include "config/paths.h"
#include "durable/workflow_task_handler.h"
#include "temporal/payload_codec.h"
#include "temporal/worker_main.h"
#include "workflow/sandbox_zygote.h"
#include "workflow/serverless_program.h"
#include "workflow/workflow_activities.h"

namespace stigmer::workflow {
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
  ExpressionLimits& expressions = settings.workflow.expression_limits;
  int64_t expression_ms = absl::ToInt64Milliseconds(expressions.timeout);
  int64_t expression_mb = static_cast<int64_t>(expressions.memory_bytes >> 20);
  int64_t payload_bytes = static_cast<int64_t>(settings.workflow.payload_limits.max_payload_bytes);
  for (absl::Status status :
       {ReadPositiveSetting(lookup, "STIGMER_MAX_ITERATIONS", 100000000, &iterations),
        ReadPositiveSetting(lookup, "STIGMER_MAX_HISTORY_EVENTS", 50000,
                            &settings.workflow.max_history_events),
        ReadPositiveSetting(lookup, "STIGMER_CONTINUE_AS_NEW_EVENTS", 50000,
                            &settings.workflow.continue_as_new_events),
        ReadPositiveSetting(lookup, "STIGMER_MAX_OUTPUT_BYTES", int64_t{1} << 30, &output_bytes),
        ReadPositiveSetting(lookup, "STIGMER_EXPRESSION_TIMEOUT_MS", 600000, &expression_ms),
        ReadPositiveSetting(lookup, "STIGMER_EXPRESSION_MEMORY_MB", 65536, &expression_mb),
        ReadPositiveSetting(lookup, "STIGMER_MAX_PAYLOAD_BYTES", int64_t{64} << 20, &payload_bytes),
        activities::ReadActivitySettings(lookup, settings.activity, settings.slots)}) {
    if (!status.ok()) return status;
  }
  expressions.timeout = absl::Milliseconds(expression_ms);
  expressions.memory_bytes = static_cast<size_t>(expression_mb) << 20;
  settings.workflow.payload_limits.max_payload_bytes = static_cast<size_t>(payload_bytes);
  expressions.max_result_bytes = static_cast<size_t>(payload_bytes);
  settings.workflow.interpreter.max_iterations = static_cast<int>(iterations);
  settings.activity.max_output_bytes = static_cast<size_t>(output_bytes);
  activities::ScheduleActivitiesByKind(kWorkflowTaskQueue, settings.activity,
                                       settings.workflow.commands);
  return settings;
}

int RunWorkflowRunner() {
  // First, while this process has one thread and holds no key: the zygote that forks the
  // expression sandboxes (they share its pages rather than each loading the binary again).
  std::shared_ptr<SandboxLauncher> sandboxes = ExecSandboxLauncher("/proc/self/exe");
  if (absl::StatusOr<std::shared_ptr<SandboxZygote>> zygote = SandboxZygote::Fork(sandboxes);
      zygote.ok()) {
    sandboxes = *std::move(zygote);
  } else {
    std::fprintf(stderr, "workflow-runner: %s; expression sandboxes are exec'd instead\n",
                 std::string(zygote.status().message()).c_str());
  }
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
  // Expressions run in sandboxes forked by the zygote (or exec'd, if it could not start).
  settings->workflow.sandbox_launcher = sandboxes;
  // Only what stigmer-server signed runs (the key file is made by whoever needs it first).
  absl::StatusOr<std::string> key =
      config::LoadOrCreateKeyFile(config::Paths::FromEnvironment().SigningKeyFile(), "signing key");
  if (!key.ok()) {
    std::fprintf(stderr, "workflow-runner: %s\n", std::string(key.status().message()).c_str());
    return 1;
  }
  settings->workflow.signing_key = *std::move(key);
  absl::StatusOr<std::shared_ptr<const temporal::PayloadCodec>> codec =
      temporal::LoadOrCreatePayloadCodec(config::Paths::FromEnvironment().PayloadKeyFile());
  if (!codec.ok()) {
    std::fprintf(stderr, "workflow-runner: %s\n", std::string(codec.status().message()).c_str());
    return 1;
  }
  options->payload_codec = *std::move(codec);
  // Before any retry can reach this worker: what a killed predecessor's commands left running.
  const std::filesystem::path groups = config::Paths::FromEnvironment().ShellGroupsDir();
  if (const int killed = activities::KillLeftoverShellGroups(groups); killed > 0) {
    std::fprintf(stderr,
                 "workflow-runner: killed %d shell command process group(s) left running by a "
                 "workflow-runner that was killed\n",
                 killed);
  }
  if (absl::Status enabled = activities::EnableShellGroupRecord(groups); !enabled.ok()) {
    std::fprintf(stderr, "workflow-runner: %s\n", std::string(enabled.message()).c_str());
    return 1;
  }
  options->activity_queues = activities::ActivityQueuesByKind(kWorkflowTaskQueue, settings->slots);
  if (!ProcessEnvironment()("STIGMER_ACTIVITY_POLLERS")) options->activity_pollers = 1;
  return temporal::RunWorker(*options, [&](std::shared_ptr<grpc::Channel> channel) {
    temporal::WorkerHandlers handlers;
    handlers.workflow = std::make_unique<durable::WorkflowTaskHandler>(
        channel, options->namespace_name, options->identity, "workflow-runner", settings->workflow,
        std::make_shared<ServerlessProgram>(settings->workflow),
        durable::StickyExecutionOf(*options),
        durable::ProgressReporter::FromEnvironment(ProcessEnvironment()));
    handlers.activity = std::make_unique<activities::ActivityDispatcher>(
        std::move(channel), options->namespace_name, options->identity, "workflow-runner",
        WorkflowRunnerActivities(
            settings->activity,
            {.address = ProcessEnvironment()("STIGMER_BACKEND_ENDPOINT").value_or(""),
             .token_file = config::Paths::FromEnvironment().ApiTokenFile()}),
        settings->workflow.payload_limits.max_payload_bytes);
    return handlers;
  });
}

}  // namespace stigmer::workflow

#include "agent/agent_runner.h"

#include <cstdio>
#include <memory>
#include <string>

#include "activities/activity_dispatcher.h"
#include "agent/agent_activities.h"
#include "agent/agent_program.h"
#include "config/key_file.h"
#include "config/paths.h"
#include "durable/workflow_task_handler.h"
#include "temporal/payload_codec.h"
#include "temporal/temporal_client.h"
#include "temporal/worker_main.h"
#include "temporal/worker_options.h"

namespace stigmer::agent {
namespace {

int Fail(int code, const absl::Status& status) {
  std::fprintf(stderr, "agent-runner: %s\n", std::string(status.message()).c_str());
  return code;
}

}  // namespace

int RunAgentRunner() {
  absl::StatusOr<temporal::WorkerOptions> options =
      temporal::WorkerOptionsFromEnvironment(ProcessEnvironment(), kAgentTaskQueue);
  if (!options.ok()) return Fail(2, options.status());
  const config::Paths paths = config::Paths::FromEnvironment();
  absl::StatusOr<std::shared_ptr<const temporal::PayloadCodec>> codec =
      temporal::LoadOrCreatePayloadCodec(paths.PayloadKeyFile());
  if (!codec.ok()) return Fail(1, codec.status());
  options->payload_codec = *std::move(codec);
  // Only what stigmer-server signed runs, as on workflow-runner.
  absl::StatusOr<std::string> key =
      config::LoadOrCreateKeyFile(paths.SigningKeyFile(), "signing key");
  if (!key.ok()) return Fail(1, key.status());

  durable::WorkflowTaskOptions workflow;
  workflow.commands.task_queue = kAgentTaskQueue;
  SetAgentActivityAttempts(workflow.commands);
  workflow.signing_key = *std::move(key);
  auto program = std::make_shared<AgentProgram>(
      AgentProgramOptions{.workspaces_dir = paths.WorkspacesDir().string()});

  temporal::TemporalClientOptions client_options;
  client_options.address = options->temporal_address;
  client_options.namespace_name = options->namespace_name;
  client_options.identity = options->identity;
  client_options.codec = options->payload_codec;
  absl::StatusOr<std::unique_ptr<temporal::TemporalClient>> connected =
      temporal::TemporalClient::Connect(client_options, absl::Seconds(30));
  if (!connected.ok()) return Fail(1, connected.status());
  std::shared_ptr<temporal::TemporalClient> client = *std::move(connected);

  ModelActivityOptions model;
  model.program = program;
  model.environment = ProcessEnvironment();
  model.read_history = [client](const activities::ActivityInfo& info) {
    return client->GetFullHistory(info.workflow_id, info.run_id);
  };
  return temporal::RunWorker(*options, [&](std::shared_ptr<grpc::Channel> channel) {
    temporal::WorkerHandlers handlers;
    handlers.workflow = std::make_unique<durable::WorkflowTaskHandler>(
        channel, options->namespace_name, options->identity, "agent-runner", workflow, program,
        durable::StickyExecutionOf(*options),
        durable::ProgressReporter::FromEnvironment(ProcessEnvironment()));
    handlers.activity = std::make_unique<activities::ActivityDispatcher>(
        std::move(channel), options->namespace_name, options->identity, "agent-runner",
        AgentActivities(model, activities::ActivityLimits{}));
    return handlers;
  });
}

}  // namespace stigmer::agent

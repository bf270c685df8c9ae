#include "daemon/component_profile.h"

#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "config/llm_program.h"
#include "config/temporal_binary.h"
#include "daemon/llm_launcher_script.h"

namespace stigmer::daemon {
namespace {

using supervisor::ComponentSpec;
using supervisor::ReadinessCheck;

constexpr char kTemporalHealthService[] = "temporal.api.workflowservice.v1.WorkflowService";

// The daemon's environment with `overrides` applied; NOTIFY_SOCKET is the daemon's alone.
std::vector<std::string> ChildEnvironment(const std::vector<std::string>& inherited,
                                          const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> environment;
  for (const std::string& entry : inherited) {
    const std::string name = entry.substr(0, entry.find('='));
    if (name == "NOTIFY_SOCKET" || overrides.contains(name)) continue;
    environment.push_back(entry);
  }
  for (const auto& [name, value] : overrides) environment.push_back(absl::StrCat(name, "=", value));
  return environment;
}

ComponentSpec BaseSpec(const config::Config& config, const std::string& name) {
  ComponentSpec spec;
  spec.name = name;
  spec.stdout_log = config.paths.StdoutLog(name);
  spec.stderr_log = config.paths.StderrLog(name);
  spec.pid_file = config.paths.PidFile(name);
  spec.rotation.max_bytes = config.log_max_bytes;
  spec.rotation.max_files = config.log_max_files;
  return spec;
}

// Our workers' heartbeat interval: STIGMER_WORKER_HEARTBEAT_MS in the daemon's environment,
// 100 to 600000 ms (default 5000).
absl::StatusOr<absl::Duration> WorkerHeartbeatInterval(
    const std::vector<std::string>& environment) {
  constexpr char kName[] = "STIGMER_WORKER_HEARTBEAT_MS";
  for (const std::string& entry : environment) {
    if (!absl::StartsWith(entry, absl::StrCat(kName, "="))) continue;
    const std::string text = entry.substr(sizeof(kName));
    int64_t ms = 0;
    if (text.empty()) break;
    if (!absl::SimpleAtoi(text, &ms) || ms < 100 || ms > 600000) {
      return absl::InvalidArgumentError(
          absl::StrCat(kName, " must be a number from 100 to 600000, not \"", text, "\""));
    }
    return absl::Milliseconds(ms);
  }
  return absl::Seconds(5);
}

// llama.cpp's server on the local model (scripts/llm_server.py, built in).
absl::StatusOr<ComponentSpec> LlmSpec(const config::Config& config,
                                      const std::vector<std::string>& environment) {
  absl::StatusOr<config::LlmProgram> program = config::FindLlmProgram(config, config::ProjectDir());
  if (!program.ok()) return program.status();
  ComponentSpec spec = BaseSpec(config, kLlm);
  spec.argv = {program->python,
               "-c",
               kLlmLauncherScript,
               "--model",
               program->model_file,
               "--alias",
               config.LlmModel(),
               "--host",
               "127.0.0.1",
               "--port",
               absl::StrCat(config.llm_port),
               "--ctx-size",
               absl::StrCat(config.llm_context_size),
               "--threads",
               absl::StrCat(config.llm_threads)};
  spec.env = ChildEnvironment(environment, {{"PYTHONUNBUFFERED", "1"}});
  spec.readiness.kind = ReadinessCheck::Kind::kHttpOk;
  spec.readiness.http_address = absl::StrCat("127.0.0.1:", config.llm_port);
  spec.readiness.http_path = "/health";
  spec.start_timeout = config.llm_start_timeout;
  spec.stop_timeout = absl::Seconds(5);
  spec.ports = {config.llm_port};
  return spec;
}

}  // namespace

std::vector<std::string> ComponentNames() {
  return {kTemporal, kStigmerServer, kWorkflowRunner, kAgentRunner, kLlm};
}

absl::StatusOr<StackProfile> BuildStackProfile(const config::Config& config,
                                               const std::string& self,
                                               const std::vector<std::string>& environment) {
  StackProfile profile;
  const std::string temporal_address = config.TemporalAddress();
  const std::string server_address = config.ServerAddress();

  ComponentSpec temporal = BaseSpec(config, kTemporal);
  temporal.readiness = {ReadinessCheck::Kind::kGrpcHealth, temporal_address,
                        kTemporalHealthService};
  temporal.start_timeout = config.temporal_start_timeout;
  temporal.stop_timeout = absl::Seconds(10);
  if (config.temporal_is_external()) {
    temporal.external = true;
    profile.endpoints[kTemporal] = temporal_address;
  } else {
    const char* path = std::getenv("PATH");
    absl::StatusOr<std::string> binary = config::FindTemporalBinary(config, path ? path : "");
    if (!binary.ok()) return binary.status();
    temporal.argv = {*binary,
                     "server",
                     "start-dev",
                     "--ip",
                     "127.0.0.1",
                     "--port",
                     absl::StrCat(config.temporal_port),
                     "--ui-port",
                     absl::StrCat(config.temporal_ui_port),
                     "--db-filename",
                     config.paths.TemporalDatabase().string(),
                     "--ui-disable-news-fetch"};
    temporal.env = ChildEnvironment(environment, {});
    temporal.ports = {config.temporal_port, config.temporal_ui_port};
    profile.endpoints[kTemporal] =
        absl::StrCat(temporal_address, " (UI http://127.0.0.1:", config.temporal_ui_port, ")");
  }
  profile.components.push_back(std::move(temporal));

  ComponentSpec server = BaseSpec(config, kStigmerServer);
  server.argv = {self, "internal", "stigmer-server"};
  server.env = ChildEnvironment(environment,
                                {{"GRPC_PORT", absl::StrCat(config.server_port)},
                                 {"STIGMER_EVENTS_PORT", absl::StrCat(config.server_events_port)},
                                 {"STIGMER_LISTEN_ADDRESS", config.server_listen_address},
                                 {"STIGMER_DATABASE_URL", config.server_database},
                                 {"TEMPORAL_SERVICE_ADDRESS", temporal_address},
                                 {"STIGMER_HOME", config.paths.home().string()}});
  server.readiness = {ReadinessCheck::Kind::kGrpcHealth, server_address, ""};
  server.start_timeout = config.server_start_timeout;
  server.stop_timeout = absl::Seconds(10);
  server.ports = {config.server_port, config.server_events_port};
  profile.endpoints[kStigmerServer] = server_address;
  profile.components.push_back(std::move(server));

  absl::StatusOr<absl::Duration> heartbeat = WorkerHeartbeatInterval(environment);
  if (!heartbeat.ok()) return heartbeat.status();
  auto worker = [&](const char* name, const std::string& custom_binary,
                    absl::Duration start_timeout) {
    ComponentSpec spec = BaseSpec(config, name);
    spec.argv = custom_binary.empty() ? std::vector<std::string>{self, "internal", name}
                                      : std::vector<std::string>{custom_binary};
    std::map<std::string, std::string> overrides = {{"EXECUTION_MODE", "temporal"},
                                                    {"TEMPORAL_SERVICE_ADDRESS", temporal_address},
                                                    {"STIGMER_BACKEND_ENDPOINT", server_address},
                                                    {"STIGMER_HOME", config.paths.home().string()}};
    // Which model agents use; agent-runner is the one that reads it.
    if (std::string(name) == kAgentRunner) {
      overrides["STIGMER_LLM_PROVIDER"] = config.llm_provider;
      overrides["STIGMER_LLM_MODEL"] = config.LlmModel();
      overrides["STIGMER_LLM_BASE_URL"] = config.LlmBaseUrl();
    }
    spec.env = ChildEnvironment(environment, overrides);
    spec.readiness.kind = ReadinessCheck::Kind::kNotifyFd;
    // Our own workers heartbeat (temporal::WorkerHeartbeat); a custom program need not.
    if (custom_binary.empty()) spec.readiness.watchdog_interval = *heartbeat;
    spec.start_timeout = start_timeout;
    spec.stop_timeout = absl::Seconds(5);
    return spec;
  };
  profile.components.push_back(
      worker(kWorkflowRunner, config.workflow_runner_binary, config.workflow_runner_start_timeout));
  profile.components.push_back(
      worker(kAgentRunner, config.agent_runner_binary, config.agent_runner_start_timeout));

  profile.stop_order = {kWorkflowRunner, kAgentRunner, kTemporal, kStigmerServer};
  if (config.llm_is_local()) {
    absl::StatusOr<ComponentSpec> llm = LlmSpec(config, environment);
    if (!llm.ok()) return llm.status();
    profile.components.push_back(*std::move(llm));
    profile.stop_order.insert(profile.stop_order.begin(), kLlm);
    profile.endpoints[kLlm] = config.LlmBaseUrl();
  }
  return profile;
}

}  // namespace stigmer::daemon

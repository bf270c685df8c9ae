#include "testing/stigmer_home.h"

#include <signal.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/file_io.h"
#include "config/api_token.h"
#include "daemon/process_lock.h"
#include "testing/temporal_dev_server.h"

namespace stigmer::testing {

StigmerHome::StigmerHome()
    : paths_(dir_.path() / "home"),
      temporal_port_(FreePort()),
      temporal_ui_port_(FreePort()),
      server_port_(FreePort()),
      events_port_(FreePort()),
      llm_port_(FreePort()) {
  (void)MakeDirectories(paths_.home());
  (void)WriteFileAtomically(
      paths_.ConfigFile(),
      absl::StrCat("temporal:\n  port: ", temporal_port_, "\n  ui_port: ", temporal_ui_port_,
                   "\nserver:\n  port: ", server_port_, "\n  events_port: ", events_port_,
                   "\nllm:\n  port: ", llm_port_, "\n"));
  env_ = {{"STIGMER_HOME", paths_.home().string()},
          {"STIGMER_TEMPORAL_BIN", TemporalBinary()},
          {"NO_COLOR", "1"},
          {"GRPC_PORT", ""},
          {"TEMPORAL_SERVICE_ADDRESS", ""},
          // Not `local`: the local model runs only in the tests that ask for it (UseLocalModel).
          {"STIGMER_LLM_PROVIDER", "openai"},
          {"STIGMER_LLM_PYTHON", ""},
          {"STIGMER_LLM_MODEL_FILE", ""}};
}

void StigmerHome::UseLocalModel() { env_["STIGMER_LLM_PROVIDER"] = "local"; }

StigmerHome::~StigmerHome() {
  if (daemon::IsLockHeld(paths_.SupervisorLockFile())) Run({"server", "stop"}, absl::Seconds(60));
  for (const char* name :
       {"llm", "temporal", "stigmer-server", "workflow-runner", "agent-runner", "supervisor"}) {
    const pid_t pid = PidFromFile(paths_.PidFile(name));
    if (pid > 0 && ProcessAlive(pid)) ::kill(-pid, SIGKILL);
  }
  for (pid_t pid : SupervisorProcesses()) ::kill(pid, SIGKILL);
}

CommandResult StigmerHome::Run(const std::vector<std::string>& args, absl::Duration timeout) const {
  std::vector<std::string> argv = {StigmerBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, env_, timeout);
}

CommandResult StigmerHome::RunWithInput(const std::vector<std::string>& args,
                                        const std::string& input, absl::Duration timeout) const {
  std::vector<std::string> argv = {StigmerBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommandWithInput(argv, env_, input, timeout);
}

nlohmann::json StigmerHome::StatusJson() const {
  CommandResult result = Run({"server", "status", "--json"}, absl::Seconds(20));
  return nlohmann::json::parse(result.out, nullptr, /*allow_exceptions=*/false);
}

nlohmann::json StigmerHome::Component(const std::string& name) const {
  nlohmann::json status = StatusJson();
  if (!status.is_object()) return nullptr;
  for (const auto& component : status["components"]) {
    if (component["name"] == name) return component;
  }
  return nullptr;
}

std::string StigmerHome::ApiToken() const {
  return config::ReadApiToken(paths_.ApiTokenFile()).value_or("");
}

pid_t StigmerHome::PidFromFile(const std::filesystem::path& file) const {
  return daemon::ReadPidFile(file);
}

std::vector<pid_t> StigmerHome::SupervisorProcesses() const {
  std::vector<pid_t> found;
  const std::string wanted = absl::StrCat("STIGMER_HOME=", paths_.home().string());
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    absl::StatusOr<std::string> cmdline = ReadFileToString(entry.path() / "cmdline");
    if (!cmdline.ok() ||
        cmdline->find(std::string("internal\0supervisor", 19)) == std::string::npos) {
      continue;
    }
    absl::StatusOr<std::string> environ = ReadFileToString(entry.path() / "environ");
    if (!environ.ok()) continue;
    for (absl::string_view variable : absl::StrSplit(*environ, '\0')) {
      if (variable == wanted) {
        const pid_t pid = std::stoi(name);
        if (ProcessAlive(pid)) found.push_back(pid);
      }
    }
  }
  return found;
}

}  // namespace stigmer::testing

#ifndef STIGMER_CONFIG_PATHS_H_
#define STIGMER_CONFIG_PATHS_H_

#include <filesystem>
#include <string_view>

namespace stigmer::config {

// Every name under STIGMER_HOME comes from here (see DESIGN.md, "Files").
// Component names: "stigmer-server", "workflow-runner", "agent-runner", "temporal",
// "supervisor". stigmer-server's files are named "daemon.*", as in the seed.
class Paths {
 public:
  explicit Paths(std::filesystem::path home) : home_(std::move(home)) {}

  // STIGMER_HOME if set and non-empty, else $HOME/.stigmer.
  static Paths FromEnvironment();

  const std::filesystem::path& home() const { return home_; }
  std::filesystem::path ConfigFile() const { return home_ / "config.yaml"; }
  std::filesystem::path BinDir() const { return home_ / "bin"; }
  std::filesystem::path DataDir() const { return home_ / "data"; }
  std::filesystem::path LogDir() const { return DataDir() / "logs"; }
  // Agent runs' workspaces: <WorkspacesDir>/<execution id>/, 0700.
  std::filesystem::path WorkspacesDir() const { return DataDir() / "workspaces"; }

  std::filesystem::path SupervisorPidFile() const { return DataDir() / "supervisor.pid"; }
  std::filesystem::path SupervisorLockFile() const { return DataDir() / "supervisor.lock"; }
  std::filesystem::path SupervisorSocket() const { return DataDir() / "supervisor.sock"; }
  std::filesystem::path StateFile() const { return DataDir() / "state.json"; }
  std::filesystem::path TemporalDataDir() const { return DataDir() / "temporal"; }
  std::filesystem::path TemporalDatabase() const { return TemporalDataDir() / "temporal.db"; }
  std::filesystem::path StoreDatabase() const { return DataDir() / "stigmer.db"; }
  // The key stigmer-server signs executions with and workflow-runner checks them with
  // (temporal/start_signature.h, config/key_file.h).
  std::filesystem::path SigningKeyFile() const { return DataDir() / "signing.key"; }
  // Encrypts every payload sent to Temporal (temporal/payload_codec.h).
  std::filesystem::path PayloadKeyFile() const { return DataDir() / "payload.key"; }
  // The bearer token stigmer-server's API requires (see config/api_token.h).
  std::filesystem::path ApiTokenFile() const { return DataDir() / "api.token"; }
  // Where workflow-runners record their shell commands' process groups (a folder; see
  // workflow/shell_group_record.h).
  std::filesystem::path ShellGroupsDir() const { return DataDir() / "workflow-runner.groups"; }

  std::filesystem::path PidFile(std::string_view component) const;
  // Where the component's stdout goes (and its stderr, for temporal, supervisor and llm).
  std::filesystem::path StdoutLog(std::string_view component) const;
  // Where the component's stderr goes; equal to StdoutLog for temporal, supervisor and llm.
  std::filesystem::path StderrLog(std::string_view component) const;

 private:
  std::filesystem::path home_;
};

}  // namespace stigmer::config

#endif  // STIGMER_CONFIG_PATHS_H_

#include "cli/server_connect.h"

#include "cli/server_commands.h"
#include "config/config.h"
#include "daemon/process_lock.h"

namespace stigmer::cli {

absl::StatusOr<ApiClient> ConnectStartingServer(const config::Paths& paths,
                                                TerminalOutput& output) {
  absl::StatusOr<config::Config> config = config::LoadConfig(paths, ProcessEnvironment());
  if (!config.ok()) return config.status();
  const std::string address = ServerAddress(config->ServerAddress());
  const bool may_start = !daemon::IsLockHeld(paths.SupervisorLockFile()) &&
                         std::getenv("STIGMER_SERVER_ADDR") == nullptr;
  // With no daemon here a server is unlikely: a short look, then start one, rather than wait
  // out the usual connect timeout first.
  absl::StatusOr<ApiClient> client =
      may_start ? ApiClient::Connect(address, paths.ApiTokenFile(), absl::Milliseconds(200))
                : ApiClient::Connect(address, paths.ApiTokenFile());
  if (client.ok() || !may_start) return client;
  output.Info("stigmer is not running; starting it");
  if (StartServer(paths, output) != 0) {
    return absl::UnavailableError("stigmer could not be started; see above");
  }
  return ApiClient::Connect(address, paths.ApiTokenFile());
}

}  // namespace stigmer::cli

#include "cli/workflow_commands.h"

#include "absl/strings/str_cat.h"
#include "cli/server_commands.h"
#include "common/grpc_status.h"
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

int DeleteWorkflow(const config::Paths& paths, TerminalOutput& output, const std::string& name,
                   bool force) {
  absl::StatusOr<config::Config> config = config::LoadConfig(paths, ProcessEnvironment());
  if (!config.ok()) {
    output.Error(config.status().message());
    return 2;
  }
  absl::StatusOr<ApiClient> client =
      ApiClient::Connect(ServerAddress(config->ServerAddress()), paths.ApiTokenFile());
  if (!client.ok()) {
    output.Error(client.status().message());
    return 1;
  }
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  stigmer::v1::DeleteWorkflowRequest request;
  request.set_name(name);
  request.set_force(force);
  stigmer::v1::DeleteWorkflowResponse response;
  if (absl::Status status =
          FromGrpcStatus(client->workflows().Delete(&context, request, &response));
      !status.ok()) {
    output.Error(status.message());
    return 1;
  }
  output.Success(absl::StrCat("workflow ", name, " deleted (", response.versions_deleted(),
                              response.versions_deleted() == 1 ? " version)" : " versions)"));
  return 0;
}

}  // namespace stigmer::cli

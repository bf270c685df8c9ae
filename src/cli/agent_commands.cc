#include "cli/agent_commands.h"

#include "absl/strings/str_cat.h"
#include "cli/api_client.h"
#include "common/environment.h"
#include "common/grpc_status.h"
#include "config/config.h"

namespace stigmer::cli {

int DeleteAgent(const config::Paths& paths, TerminalOutput& output, const std::string& name) {
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
  stigmer::v1::DeleteAgentRequest request;
  request.set_name(name);
  stigmer::v1::DeleteAgentResponse response;
  if (absl::Status status =
          FromGrpcStatus(client->agents().Delete(WithCallDeadline(&context), request, &response));
      !status.ok()) {
    output.Error(status.message());
    return 1;
  }
  output.Success(absl::StrCat("agent ", name, " deleted (", response.versions_deleted(),
                              response.versions_deleted() == 1 ? " version)" : " versions)"));
  return 0;
}

}  // namespace stigmer::cli

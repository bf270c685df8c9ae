#include "cli/delete_command.h"

#include "absl/strings/str_cat.h"
#include "cli/api_client.h"
#include "common/environment.h"
#include "common/grpc_status.h"
#include "config/config.h"

namespace stigmer::cli {
namespace {

// Deletes through `service`, the agents' or the workflows' stub.
template <typename Service, typename Request, typename Response>
absl::Status Delete(Service& service, const Request& request, Response* response) {
  grpc::ClientContext context;
  return FromGrpcStatus(service.Delete(WithCallDeadline(&context), request, response));
}

}  // namespace

int DeleteResource(const config::Paths& paths, TerminalOutput& output,
                   const DeleteOptions& options) {
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
  absl::Status status;
  int deleted = 0;
  if (options.agent) {
    stigmer::v1::DeleteAgentRequest request;
    request.set_name(options.name);
    stigmer::v1::DeleteAgentResponse response;
    status = Delete(client->agents(), request, &response);
    deleted = response.versions_deleted();
  } else {
    stigmer::v1::DeleteWorkflowRequest request;
    request.set_name(options.name);
    request.set_force(options.force);
    stigmer::v1::DeleteWorkflowResponse response;
    status = Delete(client->workflows(), request, &response);
    deleted = response.versions_deleted();
  }
  if (!status.ok()) {
    output.Error(status.message());
    return 1;
  }
  output.Success(absl::StrCat(options.agent ? "agent " : "workflow ", options.name, " deleted (",
                              deleted, deleted == 1 ? " version)" : " versions)"));
  return 0;
}

}  // namespace stigmer::cli

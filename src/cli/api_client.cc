#include "cli/api_client.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "common/bearer_token_channel.h"
#include "config/api_token.h"
#include "config/config.h"

namespace stigmer::cli {

ApiClient::ApiClient(std::string address, std::filesystem::path token_file,
                     std::shared_ptr<grpc::Channel> channel)
    : address_(std::move(address)),
      token_file_(std::move(token_file)),
      channel_(std::move(channel)),
      workflows_(stigmer::v1::WorkflowService::NewStub(channel_)),
      executions_(stigmer::v1::ExecutionService::NewStub(channel_)),
      agents_(stigmer::v1::AgentService::NewStub(channel_)),
      events_(stigmer::v1::EventService::NewStub(channel_)) {}

absl::StatusOr<ApiClient> ApiClient::Connect(const std::string& address,
                                             const std::filesystem::path& token_file,
                                             absl::Duration timeout) {
  absl::StatusOr<std::string> token = config::ReadApiToken(token_file);
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(64 << 20);
  arguments.SetMaxSendMessageSize(64 << 20);
  auto channel = CreateBearerTokenChannel(address, token.value_or(""), arguments);
  if (!channel->WaitForConnected(absl::ToChronoTime(absl::Now() + timeout))) {
    return absl::UnavailableError(absl::StrCat("cannot reach stigmer-server at ", address,
                                               "; start it with `stigmer server`"));
  }
  if (absl::IsNotFound(token.status())) {
    return absl::FailedPreconditionError(
        absl::StrCat(token.status().message(), "; the stigmer-server at ", address,
                     " was not started from this STIGMER_HOME, and only its owner may call it"));
  }
  if (!token.ok()) return token.status();
  return ApiClient(address, token_file, std::move(channel));
}

std::string ServerAddress(const std::string& configured) {
  if (const char* address = std::getenv("STIGMER_SERVER_ADDR"); address && *address) {
    return address;
  }
  return configured;
}

absl::StatusOr<ApiClient> ConnectToServer(const config::Paths& paths) {
  absl::StatusOr<config::Config> config = config::LoadConfig(paths, ProcessEnvironment());
  if (!config.ok()) return config.status();
  return ApiClient::Connect(ServerAddress(config->ServerAddress()), paths.ApiTokenFile());
}

grpc::ClientContext* WithCallDeadline(grpc::ClientContext* context) {
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  return context;
}

}  // namespace stigmer::cli

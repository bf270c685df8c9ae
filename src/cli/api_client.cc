#include "cli/api_client.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"

namespace stigmer::cli {

ApiClient::ApiClient(std::string address, std::shared_ptr<grpc::Channel> channel)
    : address_(std::move(address)),
      channel_(std::move(channel)),
      workflows_(stigmer::v1::WorkflowService::NewStub(channel_)),
      executions_(stigmer::v1::ExecutionService::NewStub(channel_)) {}

absl::StatusOr<ApiClient> ApiClient::Connect(const std::string& address, absl::Duration timeout) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(64 << 20);
  arguments.SetMaxSendMessageSize(64 << 20);
  auto channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), arguments);
  if (!channel->WaitForConnected(absl::ToChronoTime(absl::Now() + timeout))) {
    return absl::UnavailableError(absl::StrCat("cannot reach stigmer-server at ", address,
                                               "; start it with `stigmer server`"));
  }
  return ApiClient(address, std::move(channel));
}

std::string ServerAddress(const std::string& configured) {
  if (const char* address = std::getenv("STIGMER_SERVER_ADDR"); address && *address) {
    return address;
  }
  return configured;
}

}  // namespace stigmer::cli

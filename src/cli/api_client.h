#ifndef STIGMER_CLI_API_CLIENT_H_
#define STIGMER_CLI_API_CLIENT_H_

#include <filesystem>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "config/paths.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "stigmer/v1/agent.grpc.pb.h"
#include "stigmer/v1/event.grpc.pb.h"
#include "stigmer/v1/execution.grpc.pb.h"
#include "stigmer/v1/workflow.grpc.pb.h"

namespace stigmer::cli {

// The CLI's connection to stigmer-server's public API.
class ApiClient {
 public:
  // Connects to `address` (host:port), waiting at most `timeout`; every call then carries the
  // API token read from `token_file` (config/api_token.h). Unavailable, with a message that says
  // how to start the server, when nothing answers; when the server answers but the token cannot
  // be read, that error ("cannot read the API token at <file>: Permission denied"), with a
  // word on whose server it is when the file does not exist.
  static absl::StatusOr<ApiClient> Connect(const std::string& address,
                                           const std::filesystem::path& token_file,
                                           absl::Duration timeout = absl::Seconds(3));

  const std::string& address() const { return address_; }
  const std::filesystem::path& token_file() const { return token_file_; }
  stigmer::v1::WorkflowService::Stub& workflows() { return *workflows_; }
  stigmer::v1::ExecutionService::Stub& executions() { return *executions_; }
  stigmer::v1::AgentService::Stub& agents() { return *agents_; }
  stigmer::v1::EventService::Stub& events() { return *events_; }

 private:
  ApiClient(std::string address, std::filesystem::path token_file,
            std::shared_ptr<grpc::Channel> channel);
  std::string address_;
  std::filesystem::path token_file_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<stigmer::v1::WorkflowService::Stub> workflows_;
  std::unique_ptr<stigmer::v1::ExecutionService::Stub> executions_;
  std::unique_ptr<stigmer::v1::AgentService::Stub> agents_;
  std::unique_ptr<stigmer::v1::EventService::Stub> events_;
};

// Where the CLI finds stigmer-server: STIGMER_SERVER_ADDR, else the configured server address.
std::string ServerAddress(const std::string& configured);

// ApiClient::Connect to ServerAddress() of the configuration in `paths` (config.yaml's error
// when it does not load), without starting anything.
absl::StatusOr<ApiClient> ConnectToServer(const config::Paths& paths);

// Gives one call the CLI's usual deadline (30 s); returns `context`.
grpc::ClientContext* WithCallDeadline(grpc::ClientContext* context);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_API_CLIENT_H_

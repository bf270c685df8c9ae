#ifndef STIGMER_CLI_API_CLIENT_H_
#define STIGMER_CLI_API_CLIENT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "stigmer/v1/execution.grpc.pb.h"
#include "stigmer/v1/workflow.grpc.pb.h"

namespace stigmer::cli {

// The CLI's connection to stigmer-server's public API.
class ApiClient {
 public:
  // Connects to `address` (host:port), waiting at most `timeout`. Unavailable, with a message
  // that says how to start the server, when nothing answers.
  static absl::StatusOr<ApiClient> Connect(const std::string& address,
                                           absl::Duration timeout = absl::Seconds(3));

  const std::string& address() const { return address_; }
  stigmer::v1::WorkflowService::Stub& workflows() { return *workflows_; }
  stigmer::v1::ExecutionService::Stub& executions() { return *executions_; }

 private:
  ApiClient(std::string address, std::shared_ptr<grpc::Channel> channel);
  std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<stigmer::v1::WorkflowService::Stub> workflows_;
  std::unique_ptr<stigmer::v1::ExecutionService::Stub> executions_;
};

// Where the CLI finds stigmer-server: STIGMER_SERVER_ADDR, else the configured server address.
std::string ServerAddress(const std::string& configured);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_API_CLIENT_H_

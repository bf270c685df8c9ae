#include "temporal/health_probe.h"

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "temporal/temporal_channel.h"

namespace stigmer::temporal {

namespace health = ::grpc::health::v1;

absl::Status CheckServing(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                          absl::Duration timeout) {
  auto stub = health::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  health::HealthCheckRequest request;
  request.set_service(service);
  health::HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) {
    return absl::UnavailableError(
        absl::StrCat("health check of \"", service, "\" failed: ", status.error_message()));
  }
  if (response.status() != health::HealthCheckResponse::SERVING) {
    return absl::UnavailableError(
        absl::StrCat("\"", service, "\" is ",
                     health::HealthCheckResponse::ServingStatus_Name(response.status())));
  }
  return absl::OkStatus();
}

absl::Status CheckTemporalServing(const std::shared_ptr<grpc::Channel>& channel,
                                  absl::Duration timeout) {
  return CheckServing(channel, kTemporalHealthService, timeout);
}

absl::Status CheckTemporalServing(const std::string& address, absl::Duration timeout) {
  return CheckTemporalServing(CreateTemporalChannel(address, nullptr), timeout);
}

}  // namespace stigmer::temporal

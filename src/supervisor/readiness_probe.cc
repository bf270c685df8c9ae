#include "supervisor/readiness_probe.h"

#include <condition_variable>
#include <mutex>

#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace stigmer::supervisor {
namespace {

void Probe(std::stop_token stop, const std::string& target, const std::string& service,
           const std::function<void()>& on_serving, absl::Duration interval) {
  // gRPC waits about a second before reconnecting after a refused connection; a server that
  // starts listening a moment after the first try would look a second slower than it is.
  grpc::ChannelArguments arguments;
  const int interval_ms = static_cast<int>(absl::ToInt64Milliseconds(interval));
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, interval_ms);
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, interval_ms);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, interval_ms);
  auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), arguments);
  auto stub = grpc::health::v1::Health::NewStub(channel);
  std::mutex mu;
  std::condition_variable_any wake;
  while (!stop.stop_requested()) {
    const auto started = std::chrono::steady_clock::now();
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(interval));
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    const grpc::Status status = stub->Check(&context, request, &response);
    if (status.ok() && response.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
      if (!stop.stop_requested()) on_serving();
      return;
    }
    // Not the tests' kind of sleep: the probe interval, cut short by cancellation.
    std::unique_lock lock(mu);
    wake.wait_until(lock, stop, started + absl::ToChronoMilliseconds(interval),
                    [] { return false; });
  }
}

}  // namespace

GrpcHealthProbe::GrpcHealthProbe(std::string target, std::string service,
                                 std::function<void()> on_serving, absl::Duration interval)
    : thread_([target = std::move(target), service = std::move(service),
               on_serving = std::move(on_serving), interval](std::stop_token stop) {
        Probe(stop, target, service, on_serving, interval);
      }) {}

GrpcHealthProbe::~GrpcHealthProbe() {
  thread_.request_stop();
  thread_.join();
}

}  // namespace stigmer::supervisor

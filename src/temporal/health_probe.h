#ifndef STIGMER_TEMPORAL_HEALTH_PROBE_H_
#define STIGMER_TEMPORAL_HEALTH_PROBE_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"

namespace stigmer::temporal {

// The grpc.health.v1 service name that Temporal's frontend reports once it accepts calls.
inline constexpr char kTemporalHealthService[] = "temporal.api.workflowservice.v1.WorkflowService";

// Asks grpc.health.v1 Check(`service`) on `channel`, waiting at most `timeout`.
// OK when the answer is SERVING; Unavailable (with the reason) when the server cannot be reached,
// does not answer in time, or answers anything but SERVING.
absl::Status CheckServing(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                          absl::Duration timeout);

// CheckServing(kTemporalHealthService) on `channel`.
absl::Status CheckTemporalServing(const std::shared_ptr<grpc::Channel>& channel,
                                  absl::Duration timeout);

// The same on a fresh channel to `address` ("host:port").
absl::Status CheckTemporalServing(const std::string& address, absl::Duration timeout);

}  // namespace stigmer::temporal

#endif  // STIGMER_TEMPORAL_HEALTH_PROBE_H_

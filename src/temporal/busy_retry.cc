#include "temporal/busy_retry.h"

#include "absl/time/clock.h"
#include "temporal/reconnect_backoff.h"

namespace stigmer::temporal {

grpc::Status CallWhileBusy(const std::function<grpc::Status(grpc::ClientContext&)>& call,
                           absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  ReconnectBackoff backoff(absl::Milliseconds(50), absl::Seconds(1));
  while (true) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(deadline));
    const grpc::Status status = call(context);
    if (status.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) return status;
    const absl::Duration wait = backoff.NextDelay();
    if (absl::Now() + wait >= deadline) return status;
    absl::SleepFor(wait);
  }
}

}  // namespace stigmer::temporal

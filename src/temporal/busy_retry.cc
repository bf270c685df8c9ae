#include "temporal/busy_retry.h"

#include <algorithm>

#include "absl/time/clock.h"

namespace stigmer::temporal {

grpc::Status CallWhileBusy(const std::function<grpc::Status(grpc::ClientContext&)>& call,
                           absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::Duration wait = absl::Milliseconds(50);
  while (true) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(deadline));
    const grpc::Status status = call(context);
    if (status.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED ||
        absl::Now() + wait >= deadline) {
      return status;
    }
    absl::SleepFor(wait);
    wait = std::min(wait * 2, absl::Seconds(1));
  }
}

}  // namespace stigmer::temporal

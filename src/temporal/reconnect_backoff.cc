#include "temporal/reconnect_backoff.h"

#include <algorithm>

namespace stigmer::temporal {

absl::Duration ReconnectBackoff::NextDelay() {
  const absl::Duration delay = next_;
  next_ = std::min(next_ * 2, cap_);
  return delay;
}

}  // namespace stigmer::temporal

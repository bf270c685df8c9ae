#include "temporal/reconnect_backoff.h"

#include "gtest/gtest.h"

namespace stigmer::temporal {
namespace {

TEST(ReconnectBackoffTest, StartsAt100MillisecondsAndDoublesUpToFiveSeconds) {
  ReconnectBackoff backoff;
  EXPECT_EQ(backoff.NextDelay(), absl::Milliseconds(100));
  EXPECT_EQ(backoff.NextDelay(), absl::Milliseconds(200));
  EXPECT_EQ(backoff.NextDelay(), absl::Milliseconds(400));
  EXPECT_EQ(backoff.NextDelay(), absl::Milliseconds(800));
  EXPECT_EQ(backoff.NextDelay(), absl::Milliseconds(1600));
  EXPECT_EQ(backoff.NextDelay(), absl::Milliseconds(3200));
  EXPECT_EQ(backoff.NextDelay(), absl::Seconds(5));
  EXPECT_EQ(backoff.NextDelay(), absl::Seconds(5));
}

TEST(ReconnectBackoffTest, ResetGoesBackToTheInitialDelay) {
  ReconnectBackoff backoff(absl::Milliseconds(10), absl::Milliseconds(50));
  backoff.NextDelay();
  backoff.NextDelay();
  backoff.Reset();
  EXPECT_EQ(backoff.NextDelay(), absl::Milliseconds(10));
}

}  // namespace
}  // namespace stigmer::temporal

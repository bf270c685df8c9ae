#include "supervisor/restart_backoff.h"

#include "gtest/gtest.h"

namespace stigmer::supervisor {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

TEST(RestartBackoffTest, DoublesFromInitialDelayUpToTheCap) {
  RestartPolicy policy;
  policy.fatal_failures = 0;  // never fatal here
  RestartBackoff backoff(policy);
  absl::Time now = kT0;
  std::vector<absl::Duration> delays;
  for (int i = 0; i < 12; ++i) {
    delays.push_back(backoff.RecordFailure(now, now + absl::Milliseconds(10)).delay);
    now += absl::Seconds(61);  // keeps the fatal window empty, run too short to reset
  }
  EXPECT_EQ(delays[0], absl::Milliseconds(100));
  EXPECT_EQ(delays[1], absl::Milliseconds(200));
  EXPECT_EQ(delays[2], absl::Milliseconds(400));
  EXPECT_EQ(delays[8], absl::Milliseconds(25600));
  EXPECT_EQ(delays[9], absl::Seconds(30));
  EXPECT_EQ(delays[11], absl::Seconds(30));
}

TEST(RestartBackoffTest, ALongRunResetsTheDelay) {
  RestartBackoff backoff(RestartPolicy{});
  absl::Time now = kT0;
  backoff.RecordFailure(now, now + absl::Seconds(1));
  backoff.RecordFailure(now, now + absl::Seconds(2));
  EXPECT_EQ(backoff.RecordFailure(now, now + absl::Seconds(3)).delay, absl::Milliseconds(400));
  // Up 60 s before failing: starts again at the initial delay.
  now += absl::Seconds(10);
  EXPECT_EQ(backoff.RecordFailure(now, now + absl::Seconds(60)).delay, absl::Milliseconds(100));
  EXPECT_EQ(backoff.consecutive_failures(), 1);
}

TEST(RestartBackoffTest, FiveFailuresWithinSixtySecondsAreFatal) {
  RestartBackoff backoff(RestartPolicy{});
  absl::Time now = kT0;
  for (int i = 0; i < 4; ++i) {
    EXPECT_FALSE(backoff.RecordFailure(now, now + absl::Seconds(1)).fatal) << i;
    now += absl::Seconds(10);
  }
  EXPECT_TRUE(backoff.RecordFailure(now, now + absl::Seconds(1)).fatal);
}

TEST(RestartBackoffTest, FailuresOutsideTheWindowAreForgotten) {
  RestartBackoff backoff(RestartPolicy{});
  absl::Time now = kT0;
  for (int i = 0; i < 12; ++i) {
    EXPECT_FALSE(backoff.RecordFailure(now, now + absl::Seconds(1)).fatal) << i;
    now += absl::Seconds(16);  // at most 4 within any 60 s
  }
}

TEST(RestartBackoffTest, ResetForgetsEverything) {
  RestartBackoff backoff(RestartPolicy{});
  for (int i = 0; i < 4; ++i) backoff.RecordFailure(kT0, kT0 + absl::Seconds(i));
  backoff.Reset();
  const RestartBackoff::Decision decision = backoff.RecordFailure(kT0, kT0 + absl::Seconds(5));
  EXPECT_FALSE(decision.fatal);
  EXPECT_EQ(decision.delay, absl::Milliseconds(100));
}

}  // namespace
}  // namespace stigmer::supervisor

#include "temporal/task_queue_poller.h"

#include <atomic>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "temporal/health_probe.h"
#include "testing/test_env.h"

namespace stigmer::temporal {
namespace {

// Nobody listens there.
std::string DeadAddress() { return "127.0.0.1:" + std::to_string(stigmer::testing::FreePort()); }

TEST(CheckTemporalServingTest, IsUnavailableWhenNobodyListens) {
  EXPECT_EQ(CheckTemporalServing(DeadAddress(), absl::Seconds(2)).code(),
            absl::StatusCode::kUnavailable);
}

TEST(TaskQueuePollerTest, NeverReadyWhileTemporalIsAbsentAndStopsPromptly) {
  TaskQueuePollerOptions options;
  options.temporal_address = DeadAddress();
  options.task_queue = "nobody-there";
  options.identity = "lonely@here";
  std::atomic<bool> ready_called{false};
  TaskQueuePoller poller(options, [&ready_called] { ready_called = true; });
  poller.Start();
  // Let it fail and back off a few times (100 + 200 ms ...).
  EXPECT_FALSE(stigmer::testing::WaitFor([&] { return poller.ready(); }, absl::Milliseconds(500)));
  const absl::Time before = absl::Now();
  poller.Stop();
  EXPECT_LT(absl::Now() - before, absl::Seconds(1));
  EXPECT_FALSE(ready_called.load());
}

TEST(TaskQueuePollerTest, StopWithoutStartAndTwiceIsHarmless) {
  TaskQueuePollerOptions options;
  options.temporal_address = DeadAddress();
  options.task_queue = "never-started";
  TaskQueuePoller poller(options, nullptr);
  poller.Stop();
  poller.Stop();
}

}  // namespace
}  // namespace stigmer::temporal

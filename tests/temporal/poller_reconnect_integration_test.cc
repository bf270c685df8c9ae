#include <atomic>

#include "gtest/gtest.h"
#include "task_queue_pollers.h"
#include "temporal/task_queue_poller.h"
#include "testing/temporal_dev_server.h"

namespace stigmer::temporal {
namespace {

using ::stigmer::testing::HasPoller;
using ::stigmer::testing::WaitFor;

class PollerReconnectTest : public stigmer::testing::TemporalDevServerSuite {};

// Temporal goes away under a polling worker and comes back on the same port: the poller finds it
// again by itself (Temporal forgets its pollers when it restarts, so seeing ours again proves it
// polls again), and readiness is not announced a second time.
TEST_F(PollerReconnectTest, PollsAgainAfterTemporalRestarts) {
  TaskQueuePollerOptions options;
  options.temporal_address = temporal_address();
  options.task_queue = "poller-reconnects";
  options.identity = "reconnecting-poller@here";
  std::atomic<int> ready_calls{0};
  TaskQueuePoller poller(options, [&ready_calls] { ++ready_calls; });
  poller.Start();
  ASSERT_TRUE(
      WaitFor([&] { return HasPoller(temporal_address(), options.task_queue, options.identity); },
              absl::Seconds(20)));

  temporal_server().Stop();
  ASSERT_TRUE(temporal_server().Restart().ok()) << temporal_server().LogTail();

  EXPECT_TRUE(
      WaitFor([&] { return HasPoller(temporal_address(), options.task_queue, options.identity); },
              absl::Seconds(30)));
  poller.Stop();
  EXPECT_EQ(ready_calls.load(), 1);
}

}  // namespace
}  // namespace stigmer::temporal

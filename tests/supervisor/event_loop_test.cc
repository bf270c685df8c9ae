#include "supervisor/event_loop.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stigmer::supervisor {
namespace {

using ::testing::ElementsAre;

TEST(EventLoopTest, TimersFireInDeadlineOrderAndCancelledOnesNever) {
  EventLoop loop;
  ASSERT_TRUE(loop.init_status().ok());
  std::vector<int> fired;
  loop.AddTimer(absl::Milliseconds(30), [&] { fired.push_back(3); });
  loop.AddTimer(absl::Milliseconds(10), [&] { fired.push_back(1); });
  EventLoop::TimerId cancelled = loop.AddTimer(absl::Milliseconds(20), [&] { fired.push_back(2); });
  loop.CancelTimer(cancelled);
  loop.CancelTimer(cancelled);  // twice: no-op
  while (fired.size() < 2) ASSERT_TRUE(loop.RunOnce().ok());
  EXPECT_THAT(fired, ElementsAre(1, 3));
}

TEST(EventLoopTest, PostWakesTheLoopFromAnotherThread) {
  EventLoop loop;
  bool ran = false;
  std::thread poster([&] { loop.Post([&] { ran = true; }); });
  while (!ran) ASSERT_TRUE(loop.RunOnce().ok());
  poster.join();
}

TEST(EventLoopTest, WatchRemovedDuringADispatchRoundGetsNoCallback) {
  EventLoop loop;
  UniqueFd a(::eventfd(1, EFD_NONBLOCK)), b(::eventfd(1, EFD_NONBLOCK));
  int calls = 0;
  // Both are readable; whichever runs first removes the other.
  ASSERT_TRUE(loop.Watch(a.get(), EPOLLIN,
                         [&](uint32_t) {
                           ++calls;
                           loop.Unwatch(a.get());
                           loop.Unwatch(b.get());
                         })
                  .ok());
  ASSERT_TRUE(loop.Watch(b.get(), EPOLLIN,
                         [&](uint32_t) {
                           ++calls;
                           loop.Unwatch(a.get());
                           loop.Unwatch(b.get());
                         })
                  .ok());
  ASSERT_TRUE(loop.RunOnce().ok());
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace stigmer::supervisor

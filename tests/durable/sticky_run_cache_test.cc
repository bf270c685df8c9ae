#include "durable/sticky_run_cache.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stigmer::durable {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<HistoryEvent> Events(int count, size_t payload_bytes = 0) {
  std::vector<HistoryEvent> events(count);
  for (int i = 0; i < count; ++i) {
    events[i].set_event_id(i + 1);
    events[i].mutable_marker_recorded_event_attributes()->set_marker_name(
        std::string(payload_bytes, 'x'));
  }
  return events;
}

TEST(StickyRunCacheTest, TakeGivesTheHistoryBackOnce) {
  StickyRunCache cache(10, 1 << 20);
  EXPECT_THAT(cache.Put("wf/run", Events(3)), IsEmpty());
  std::optional<std::vector<HistoryEvent>> taken = cache.Take("wf/run");
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->back().event_id(), 3);
  EXPECT_FALSE(cache.Take("wf/run").has_value());
  EXPECT_EQ(cache.runs(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(StickyRunCacheTest, TheLeastRecentlyAnsweredRunGoesFirstWhenTooManyAreKept) {
  StickyRunCache cache(2, 1 << 20);
  cache.Put("a/1", Events(1));
  cache.Put("b/1", Events(1));
  cache.Put("a/1", Events(2));  // answered again: now the most recent
  EXPECT_THAT(cache.Put("c/1", Events(1)), ElementsAre("b/1"));
  EXPECT_TRUE(cache.Take("a/1").has_value());
  EXPECT_FALSE(cache.Take("b/1").has_value());
}

TEST(StickyRunCacheTest, RunsAreDroppedUntilTheirBytesFit) {
  StickyRunCache cache(100, 3000);
  cache.Put("a/1", Events(1, 1000));
  cache.Put("b/1", Events(1, 1000));
  EXPECT_THAT(cache.Put("c/1", Events(1, 1500)), ElementsAre("a/1"));
  EXPECT_LE(cache.bytes(), 3000u);
  EXPECT_EQ(cache.runs(), 2u);
}

TEST(StickyRunCacheTest, AHistoryLargerThanTheWholeCacheIsNotKept) {
  StickyRunCache cache(100, 500);
  cache.Put("small/1", Events(1));
  EXPECT_THAT(cache.Put("huge/1", Events(1, 1000)), ElementsAre("huge/1"));
  EXPECT_FALSE(cache.Take("huge/1").has_value());
  EXPECT_TRUE(cache.Take("small/1").has_value());
}

}  // namespace
}  // namespace stigmer::durable

#include "common/bounded_lru_cache.h"

#include <memory>
#include <string>
#include <tuple>

#include "gtest/gtest.h"

namespace stigmer {
namespace {

using Cache = BoundedLruCache<std::string, std::string>;

std::shared_ptr<const std::string> Value(const std::string& text) {
  return std::make_shared<const std::string>(text);
}

TEST(BoundedLruCacheTest, TakeReturnsTheValueOnceThenNothing) {
  Cache cache(4, 1000);
  cache.Put("a", Value("one"), 3);
  std::shared_ptr<const std::string> taken = cache.Take("a");
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(*taken, "one");
  EXPECT_EQ(cache.Take("a"), nullptr);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(BoundedLruCacheTest, TheOldestEntryGoesWhenTheEntryBoundIsReached) {
  Cache cache(2, 1000);
  cache.Put("a", Value("1"), 1);
  cache.Put("b", Value("2"), 1);
  cache.Put("c", Value("3"), 1);
  EXPECT_EQ(cache.Take("a"), nullptr);
  EXPECT_NE(cache.Take("b"), nullptr);
  EXPECT_NE(cache.Take("c"), nullptr);
}

TEST(BoundedLruCacheTest, OldEntriesGoUntilTheBytesFit) {
  Cache cache(10, 100);
  cache.Put("a", Value("1"), 40);
  cache.Put("b", Value("2"), 40);
  cache.Put("c", Value("3"), 40);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.bytes(), 80u);
  EXPECT_EQ(cache.Take("a"), nullptr);
}

TEST(BoundedLruCacheTest, AValueHeavierThanTheBoundIsNotKeptAndEvictsNothing) {
  Cache cache(10, 100);
  cache.Put("a", Value("1"), 40);
  cache.Put("huge", Value("2"), 101);
  EXPECT_EQ(cache.Take("huge"), nullptr);
  EXPECT_NE(cache.Take("a"), nullptr);
}

TEST(BoundedLruCacheTest, PuttingAKeyAgainReplacesItsValueAndWeight) {
  Cache cache(10, 100);
  cache.Put("a", Value("old"), 60);
  cache.Put("a", Value("new"), 30);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.bytes(), 30u);
  EXPECT_EQ(*cache.Take("a"), "new");
}

TEST(BoundedLruCacheTest, TupleKeysDifferingInOnePartAreDifferentEntries) {
  BoundedLruCache<std::tuple<std::string, std::string>, int> cache(10, 100);
  cache.Put({"wf", "run-1"}, std::make_shared<const int>(1), 1);
  cache.Put({"wf", "run-2"}, std::make_shared<const int>(2), 1);
  EXPECT_EQ(*cache.Take({"wf", "run-2"}), 2);
  EXPECT_EQ(*cache.Take({"wf", "run-1"}), 1);
}

}  // namespace
}  // namespace stigmer

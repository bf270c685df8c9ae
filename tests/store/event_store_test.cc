// The event bus's log: an id is stored once per source, events come back in acceptance order,
// and both survive reopening the file.
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "server/store/store.h"
#include "store_test_support.h"
#include "testing/test_env.h"

namespace stigmer::store {
namespace {

using ::stigmer::store::testing::At;
using ::stigmer::store::testing::OpenOrDie;

TEST(EventStoreTest, AnIdIsStoredOncePerSource) {
  SKIP_UNLESS_STORE_READY();
  std::unique_ptr<Store> store = OpenOrDie(SqliteDatabase::kInMemory);
  absl::StatusOr<StoredEvent> first =
      store->InsertEvent("/shop", "1", "placed", "{\"a\":1}", At(1));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->duplicate);
  absl::StatusOr<StoredEvent> again =
      store->InsertEvent("/shop", "1", "placed", "{\"a\":2}", At(2));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->sequence, first->sequence);
  EXPECT_EQ(again->envelope, "{\"a\":1}");
  EXPECT_EQ(again->accepted_at, At(1));
  absl::StatusOr<StoredEvent> other = store->InsertEvent("/bank", "1", "placed", "{}", At(3));
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->duplicate);
  EXPECT_GT(other->sequence, first->sequence);
}

TEST(EventStoreTest, EventsComeBackInAcceptanceOrderAfterASequence) {
  SKIP_UNLESS_STORE_READY();
  std::unique_ptr<Store> store = OpenOrDie(SqliteDatabase::kInMemory);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store->InsertEvent("/s", std::to_string(i), "t", std::to_string(i), At(i)).ok());
  }
  absl::StatusOr<std::vector<StoredEvent>> page = store->ListEventsAfter(2, 2);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].envelope, "2");
  EXPECT_EQ((*page)[1].envelope, "3");
  EXPECT_EQ(store->ListEventsAfter(5, 10)->size(), 0u);
}

TEST(EventStoreTest, EventsAndCursorsSurviveReopening) {
  SKIP_UNLESS_STORE_READY();
  stigmer::testing::TempDir dir;
  const std::filesystem::path path = dir.path() / "stigmer.db";
  {
    std::unique_ptr<Store> store = OpenOrDie(path);
    ASSERT_TRUE(store->InsertEvent("/s", "kept", "t", "{}", At(1)).ok());
    EXPECT_EQ(*store->EventCursor("schedule.on"), 0);
    ASSERT_TRUE(store->SaveEventCursor("schedule.on", 1).ok());
    ASSERT_TRUE(store->SaveEventCursor("schedule.on", 7).ok());
  }
  std::unique_ptr<Store> reopened = OpenOrDie(path);
  EXPECT_TRUE(reopened->InsertEvent("/s", "kept", "t", "{}", At(2))->duplicate);
  EXPECT_EQ(*reopened->EventCursor("schedule.on"), 7);
}

TEST(EventStoreTest, AnEventWithoutSourceIdOrTypeIsRefused) {
  SKIP_UNLESS_STORE_READY();
  std::unique_ptr<Store> store = OpenOrDie(SqliteDatabase::kInMemory);
  EXPECT_EQ(store->InsertEvent("", "1", "t", "{}", At(1)).status().message(),
            "an event needs a source, an id and a type");
}

}  // namespace
}  // namespace stigmer::store

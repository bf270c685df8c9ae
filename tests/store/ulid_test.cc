#include "common/ulid.h"

#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace stigmer {
namespace {

TEST(UlidTest, IsTwentySixCrockfordCharacters) {
  std::string ulid = NewUlid(absl::Now());
  EXPECT_EQ(ulid.size(), 26u);
  EXPECT_TRUE(IsUlid(ulid)) << ulid;
  EXPECT_EQ(ulid.find_first_of("ILOU"), std::string::npos) << ulid;
}

TEST(UlidTest, EncodesTheTimeInTheFirstTenCharacters) {
  EXPECT_EQ(NewUlid(absl::UnixEpoch()).substr(0, 10), "0000000000");
  // 1469918176385 ms is the example of the ULID specification: 01ARYZ6S41.
  EXPECT_EQ(NewUlid(absl::FromUnixMillis(1469918176385)).substr(0, 10), "01ARYZ6S41");
  // Before the epoch counts as the epoch; the largest time is 7ZZZZZZZZZ.
  EXPECT_EQ(NewUlid(absl::FromUnixSeconds(-5)).substr(0, 10), "0000000000");
  EXPECT_EQ(NewUlid(absl::InfiniteFuture()).substr(0, 10), "7ZZZZZZZZZ");
}

TEST(UlidTest, LaterTimesSortAfter) {
  const absl::Time now = absl::Now();
  std::string first = NewUlid(now);
  std::string second = NewUlid(now + absl::Milliseconds(1));
  std::string third = NewUlid(now + absl::Hours(24 * 365));
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
}

TEST(UlidTest, IncreasesWithinOneMillisecond) {
  const absl::Time now = absl::Now();
  std::string previous = NewUlid(now);
  for (int i = 0; i < 1000; ++i) {
    std::string next = NewUlid(now);
    ASSERT_LT(previous, next);
    ASSERT_EQ(next.substr(0, 10), previous.substr(0, 10));
    previous = next;
  }
}

TEST(UlidTest, KeepsTheGivenTimeWhenTheClockGoesBack) {
  const absl::Time now = absl::Now();
  std::string later = NewUlid(now);
  std::string earlier = NewUlid(now - absl::Seconds(10));
  EXPECT_LT(earlier, later);
  EXPECT_EQ(earlier.substr(0, 10), NewUlid(now - absl::Seconds(10)).substr(0, 10));
}

TEST(UlidTest, UniqueAcrossThreads) {
  std::mutex mu;
  std::set<std::string> seen;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      std::vector<std::string> mine;
      for (int i = 0; i < 5000; ++i) mine.push_back(NewUlid(absl::Now()));
      std::lock_guard<std::mutex> lock(mu);
      seen.insert(mine.begin(), mine.end());
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(seen.size(), 20000u);
}

TEST(UlidTest, RandomPartDiffersBetweenMilliseconds) {
  // Two ULIDs in different milliseconds draw fresh randomness: their last 16 characters differ.
  const absl::Time now = absl::Now();
  std::string a = NewUlid(now);
  std::string b = NewUlid(now + absl::Milliseconds(5));
  EXPECT_NE(a.substr(10), b.substr(10));
}

TEST(UlidTest, IsUlidRejectsNonCanonicalText) {
  EXPECT_TRUE(IsUlid("01ARZ3NDEKTSV4RRFFQ69G5FAV"));
  EXPECT_FALSE(IsUlid(""));
  EXPECT_FALSE(IsUlid("01ARZ3NDEKTSV4RRFFQ69G5FA"));    // 25 characters
  EXPECT_FALSE(IsUlid("01ARZ3NDEKTSV4RRFFQ69G5FAVX"));  // 27
  EXPECT_FALSE(IsUlid("01arz3ndektsv4rrffq69g5fav"));   // lower case
  EXPECT_FALSE(IsUlid("01ARZ3NDEKTSV4RRFFQ69G5FAU"));   // U is not in the alphabet
  EXPECT_FALSE(IsUlid("01ARZ3NDEKTSV4RRFFQ69G5FAI"));   // nor I
  EXPECT_FALSE(IsUlid("81ARZ3NDEKTSV4RRFFQ69G5FAV"));   // time beyond 48 bits
  EXPECT_FALSE(IsUlid(std::string("01ARZ3NDEKTSV4RRFFQ69G5FA\0", 26)));
}

TEST(ResourceIdTest, PrefixesAndChecks) {
  std::string workflow = NewWorkflowId();
  std::string execution = NewExecutionId();
  EXPECT_EQ(workflow.substr(0, 4), "wfl-");
  EXPECT_EQ(execution.substr(0, 4), "wex-");
  EXPECT_EQ(workflow.size(), 30u);
  EXPECT_TRUE(IsWorkflowId(workflow));
  EXPECT_TRUE(IsExecutionId(execution));
  EXPECT_FALSE(IsWorkflowId(execution));
  EXPECT_FALSE(IsExecutionId(workflow));
  EXPECT_FALSE(IsWorkflowId("hello"));
  EXPECT_FALSE(IsWorkflowId("wfl-"));
  EXPECT_FALSE(IsExecutionId("wex-01arz3ndektsv4rrffq69g5fav"));
  EXPECT_FALSE(IsExecutionId("WEX-01ARZ3NDEKTSV4RRFFQ69G5FAV"));
  std::string agent = NewAgentId();
  EXPECT_EQ(agent.substr(0, 4), "agt-");
  EXPECT_TRUE(IsAgentId(agent));
  EXPECT_FALSE(IsAgentId(workflow));
  EXPECT_FALSE(IsWorkflowId(agent));
  EXPECT_FALSE(IsAgentId("reviewer"));
}

}  // namespace
}  // namespace stigmer

#include "cli/log_follower.h"

#include <atomic>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace stigmer::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

void Append(const std::filesystem::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::app);
  file << text;
}

// Follows files synchronously: each Poll reads what is there now, without waiting.
class FollowerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<LogFollower> follower = LogFollower::Create();
    ASSERT_TRUE(follower.ok()) << follower.status();
    follower_.emplace(*std::move(follower));
  }

  // The lines printed since the last call.
  std::vector<std::string> Poll() {
    std::vector<std::string> lines;
    absl::Status status =
        follower_->Poll(absl::ZeroDuration(), [&](size_t index, absl::string_view line) {
          lines.push_back(absl::StrCat(index, ":", line));
        });
    EXPECT_TRUE(status.ok()) << status;
    return lines;
  }

  testing::TempDir dir_;
  std::filesystem::path log_ = dir_.path() / "x.log";
  std::optional<LogFollower> follower_;
};

TEST_F(FollowerTest, PrintsAppendedLinesFromTheOffset) {
  Append(log_, "old 1\nold 2\n");
  absl::StatusOr<OpenedLogFile> opened = OpenLogFile(log_);
  ASSERT_TRUE(opened.ok());
  follower_->Add(log_, *std::move(opened), 6);  // "old 1\n" was printed by the tail
  EXPECT_THAT(Poll(), ElementsAre("0:old 2"));
  EXPECT_THAT(Poll(), IsEmpty());
  Append(log_, "new 1\nnew 2\n");
  EXPECT_THAT(Poll(), ElementsAre("0:new 1", "0:new 2"));
}

TEST_F(FollowerTest, HoldsAPartialLineUntilItsNewline) {
  follower_->Add(log_);
  Append(log_, "complete\nhal");
  EXPECT_THAT(Poll(), ElementsAre("0:complete"));
  Append(log_, "f a line");
  EXPECT_THAT(Poll(), IsEmpty());
  Append(log_, "\n");
  EXPECT_THAT(Poll(), ElementsAre("0:half a line"));
}

TEST_F(FollowerTest, WaitsForTheFileAndItsFolderToAppear) {
  const std::filesystem::path log = dir_.path() / "logs" / "later.log";
  follower_->Add(log);
  EXPECT_THAT(Poll(), IsEmpty());
  std::filesystem::create_directories(log.parent_path());
  EXPECT_THAT(Poll(), IsEmpty());
  Append(log, "first\n");
  EXPECT_THAT(Poll(), ElementsAre("0:first"));
}

TEST_F(FollowerTest, RotationLosesAndRepeatsNothing) {
  follower_->Add(log_);
  Append(log_, "1\n");
  EXPECT_THAT(Poll(), ElementsAre("0:1"));
  // Written before the rotation but not yet read: read from the renamed file.
  Append(log_, "2\n3\n");
  std::filesystem::rename(log_, RotatedLogPath(log_, 1));
  Append(log_, "4\n");
  EXPECT_THAT(Poll(), ElementsAre("0:2", "0:3", "0:4"));
  Append(log_, "5\n");
  EXPECT_THAT(Poll(), ElementsAre("0:5"));
}

TEST_F(FollowerTest, RotatedAwayAndRecreatedLater) {
  follower_->Add(log_);
  Append(log_, "");
  EXPECT_THAT(Poll(), IsEmpty());  // opened
  Append(log_, "before\nunterminated");
  std::filesystem::rename(log_, RotatedLogPath(log_, 1));
  // The old file is finished: its last line is printed even without a newline.
  EXPECT_THAT(Poll(), ElementsAre("0:before", "0:unterminated"));
  EXPECT_THAT(Poll(), IsEmpty());
  Append(log_, "after restart\n");
  EXPECT_THAT(Poll(), ElementsAre("0:after restart"));
}

TEST_F(FollowerTest, TruncatedInPlaceStartsOver) {
  follower_->Add(log_);
  Append(log_, "a long first line\n");
  EXPECT_THAT(Poll(), ElementsAre("0:a long first line"));
  std::ofstream(log_, std::ios::trunc) << "b\n";
  EXPECT_THAT(Poll(), ElementsAre("0:b"));
}

TEST_F(FollowerTest, SeveralFilesKeepTheirIndexes) {
  const std::filesystem::path err = dir_.path() / "x.err";
  follower_->Add(log_);
  follower_->Add(err);
  Append(err, "e\n");
  Append(log_, "o\n");
  EXPECT_THAT(Poll(), ElementsAre("0:o", "1:e"));
}

// A writer thread rotating while Run follows: the output is every line once, in order.
TEST_F(FollowerTest, RunFollowsAWriterThatRotates) {
  Append(log_, "");
  absl::StatusOr<OpenedLogFile> opened = OpenLogFile(log_);
  ASSERT_TRUE(opened.ok());
  follower_->Add(log_, *std::move(opened), 0);
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::vector<std::string> seen;
  std::thread runner([&] {
    absl::Status status = follower_->Run(stop, [&](size_t, absl::string_view line) {
      std::lock_guard<std::mutex> lock(mutex);
      seen.emplace_back(line);
    });
    EXPECT_TRUE(status.ok()) << status;
  });
  auto seen_count = [&] {
    std::lock_guard<std::mutex> lock(mutex);
    return seen.size();
  };
  std::vector<std::string> expected;
  for (int round = 0; round < 20; ++round) {
    for (int i = 0; i < 30; ++i) {
      expected.push_back(absl::StrCat("round ", round, " line ", i));
      Append(log_, expected.back() + "\n");
    }
    for (int index = 4; index >= 1; --index) {  // shift as the supervisor does
      if (std::filesystem::exists(RotatedLogPath(log_, index))) {
        std::filesystem::rename(RotatedLogPath(log_, index), RotatedLogPath(log_, index + 1));
      }
    }
    std::filesystem::rename(log_, RotatedLogPath(log_, 1));
    for (int i = 0; i < 5; ++i) {
      expected.push_back(absl::StrCat("round ", round, " after ", i));
      Append(log_, expected.back() + "\n");
    }
    // At most one rotation between two reads (the documented limit).
    ASSERT_TRUE(
        testing::WaitFor([&] { return seen_count() >= expected.size(); }, absl::Seconds(10)))
        << seen_count() << " of " << expected.size();
  }
  stop = true;
  runner.join();
  EXPECT_EQ(seen, expected);
}

}  // namespace
}  // namespace stigmer::cli

#include "cli/log_since.h"

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stigmer::cli {
namespace {

using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1795792445);  // 2026-11-27T15:14:05Z

TEST(ParseSinceTest, DurationsCountBackFromNow) {
  EXPECT_EQ(ParseSince("10m", kNow).value(), kNow - absl::Minutes(10));
  EXPECT_EQ(ParseSince("1h30m", kNow).value(), kNow - absl::Minutes(90));
  EXPECT_EQ(ParseSince("90s", kNow).value(), kNow - absl::Seconds(90));
  EXPECT_EQ(ParseSince(" 2h ", kNow).value(), kNow - absl::Hours(2));
  EXPECT_EQ(ParseSince("0s", kNow).value(), kNow);
}

TEST(ParseSinceTest, Rfc3339Times) {
  const absl::Time expected = absl::FromUnixSeconds(1795791845);  // 2026-11-27T15:04:05Z
  EXPECT_EQ(ParseSince("2026-11-27T15:04:05Z", kNow).value(), expected);
  EXPECT_EQ(ParseSince("2026-11-27t15:04:05z", kNow).value(), expected);
  EXPECT_EQ(ParseSince("2026-11-27T15:04:05.123Z", kNow).value(),
            expected + absl::Milliseconds(123));
  EXPECT_EQ(ParseSince("2026-11-27T16:04:05+01:00", kNow).value(), expected);
  EXPECT_EQ(ParseSince("2026-11-27T10:04:05.5-05:00", kNow).value(),
            expected + absl::Milliseconds(500));
}

TEST(ParseSinceTest, BadInputNamesTheValueAndTheAcceptedForms) {
  for (const char* bad : {"", "yesterday", "10", "-5m", "2026-11-27", "2026-11-27T15:04:05",
                          "15:04:05Z", "10 minutes"}) {
    absl::StatusOr<absl::Time> since = ParseSince(bad, kNow);
    ASSERT_FALSE(since.ok()) << bad;
    EXPECT_EQ(since.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(since.status().message(), HasSubstr(std::string("\"") + bad + "\""));
    EXPECT_THAT(since.status().message(), HasSubstr("1h30m"));
    EXPECT_THAT(since.status().message(), HasSubstr("2026-11-27T15:04:05Z"));
  }
}

}  // namespace
}  // namespace stigmer::cli

#include "workflow/dsl_duration.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stigmer::workflow {
namespace {

using Json = nlohmann::ordered_json;
using ::testing::HasSubstr;

TEST(ParseDslDurationTest, ReadsIso8601Strings) {
  EXPECT_EQ(*ParseDslDuration(Json("PT2S")), absl::Seconds(2));
  EXPECT_EQ(*ParseDslDuration(Json("PT1M30.5S")), absl::Seconds(90.5));
  EXPECT_EQ(*ParseDslDuration(Json("P1DT12H")), absl::Hours(36));
  EXPECT_EQ(*ParseDslDuration(Json("P2W")), absl::Hours(24 * 14));
  EXPECT_EQ(*ParseDslDuration(Json("PT0S")), absl::ZeroDuration());
}

TEST(ParseDslDurationTest, RefusesMalformedAndVariableLengthDurations) {
  for (const char* text : {"", "P", "PT", "2S", "PT2", "PTS", "P1H", "PT1D", "PT1.5.2S", "PT-1S"}) {
    EXPECT_FALSE(ParseDslDuration(Json(text)).ok()) << text;
  }
  EXPECT_THAT(std::string(ParseDslDuration(Json("P1M")).status().message()), HasSubstr("months"));
  EXPECT_THAT(std::string(ParseDslDuration(Json("P1Y")).status().message()), HasSubstr("years"));
  EXPECT_THAT(std::string(ParseDslDuration(Json("PT1.5M")).status().message()),
              HasSubstr("fraction"));
}

TEST(ParseDslDurationTest, AddsUpObjectUnits) {
  Json value = {{"hours", 2}, {"minutes", 15}, {"seconds", 30}, {"milliseconds", 5}};
  EXPECT_EQ(*ParseDslDuration(value),
            absl::Hours(2) + absl::Minutes(15) + absl::Seconds(30) + absl::Milliseconds(5));
  EXPECT_EQ(*ParseDslDuration(Json{{"days", 1}}), absl::Hours(24));
}

TEST(ParseDslDurationTest, RefusesBadObjects) {
  EXPECT_FALSE(ParseDslDuration(Json::object()).ok());
  EXPECT_THAT(std::string(ParseDslDuration(Json{{"weeks", 1}}).status().message()),
              HasSubstr("unknown duration property \"weeks\""));
  EXPECT_FALSE(ParseDslDuration(Json{{"seconds", -1}}).ok());
  EXPECT_FALSE(ParseDslDuration(Json{{"seconds", 1.5}}).ok());
  EXPECT_FALSE(ParseDslDuration(Json{{"seconds", "2"}}).ok());
  EXPECT_FALSE(ParseDslDuration(Json(5)).ok());
}

TEST(ParseDslDurationTest, RefusesDurationsOver100Years) {
  const std::string too_long =
      "the duration is longer than 100 years (36500 days), the most stigmer accepts";
  EXPECT_EQ(ParseDslDuration(Json{{"days", 36500000}}).status().message(), too_long);
  EXPECT_EQ(ParseDslDuration(Json{{"days", 36500}, {"milliseconds", 1}}).status().message(),
            too_long);
  EXPECT_EQ(ParseDslDuration(Json("P5215W")).status().message(), too_long);
  EXPECT_EQ(ParseDslDuration(Json("PT999999999999H")).status().message(), too_long);
  EXPECT_EQ(*ParseDslDuration(Json{{"days", 36500}}), kMaxDslDuration);
  EXPECT_EQ(*ParseDslDuration(Json("P36500D")), kMaxDslDuration);
}

TEST(ClampDslDurationTest, KeepsComputedDurationsInRange) {
  EXPECT_EQ(ClampDslDuration(absl::Hours(24) * 1e9), kMaxDslDuration);
  EXPECT_EQ(ClampDslDuration(absl::InfiniteDuration()), kMaxDslDuration);
  EXPECT_EQ(ClampDslDuration(-absl::Seconds(1)), absl::ZeroDuration());
  EXPECT_EQ(ClampDslDuration(absl::Seconds(3)), absl::Seconds(3));
}

}  // namespace
}  // namespace stigmer::workflow

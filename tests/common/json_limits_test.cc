#include "common/json_limits.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stigmer {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string Nested(int depth, char open = '[', char close = ']') {
  return std::string(depth, open) + std::string(depth, close);
}

TEST(JsonLimitsTest, AcceptsNestingUpToTheLimit) {
  absl::StatusOr<nlohmann::json> parsed = ParseJsonBounded(Nested(kMaxJsonDepth), "the input");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->is_array());
  EXPECT_TRUE(ParseJsonBounded(R"({"a": {"b": [1, {"c": null}]}})", "the input").ok());
}

TEST(JsonLimitsTest, RefusesOneLevelMoreNamingTheLimitAndThePlace) {
  absl::StatusOr<nlohmann::json> parsed = ParseJsonBounded(Nested(kMaxJsonDepth + 1), "the input");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(parsed.status().message(),
            "the input is nested deeper than 256 levels (the limit) at line 1, column 257; "
            "flatten it");
}

TEST(JsonLimitsTest, InputNested100000DeepIsRefusedNotACrash) {
  EXPECT_THAT(std::string(ParseJsonBounded(Nested(100000), "--input").status().message()),
              StartsWith("--input is nested deeper than 256 levels"));
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  objects += "1" + std::string(100000, '}');
  EXPECT_THAT(std::string(ParseJsonBounded(objects, "the input").status().message()),
              HasSubstr("nested deeper than 256 levels"));
}

TEST(JsonLimitsTest, BracketsInsideStringsDoNotCount) {
  const std::string text = "{\"a\": \"" + std::string(1000, '[') + "\\\"" + std::string(1000, '{') +
                           "\", \"b\": \"\\\\\"}";
  absl::StatusOr<nlohmann::json> parsed = ParseJsonBounded(text, "the input");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ((*parsed)["b"], "\\");
}

TEST(JsonLimitsTest, ReportsTheLineAndColumnOfTheTooDeepBracket) {
  EXPECT_THAT(std::string(CheckJsonDepth("[\n [\n  [1]]]", 2).message()),
              HasSubstr("at line 3, column 3"));
  EXPECT_TRUE(CheckJsonDepth("[[1], [2], [[3]]]", 3).ok());
}

TEST(JsonLimitsTest, InvalidJsonNamesWhatAndWhere) {
  absl::StatusOr<nlohmann::json> parsed = ParseJsonBounded("{\"a\": }", "--input");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(std::string(parsed.status().message()),
              StartsWith("--input is not valid JSON: parse error at line 1, column 7"));
  EXPECT_EQ(ParseJsonBounded(R"({"n": 1e400})", "the input").status().message(),
            "the input is not valid JSON: number overflow parsing '1e400'");
  EXPECT_FALSE(ParseJsonBounded("", "the input").ok());
  EXPECT_FALSE(ParseJsonBounded("]]]]", "the input").ok());
}

}  // namespace
}  // namespace stigmer

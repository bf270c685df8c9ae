#include "temporal/payloads.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stigmer::temporal {
namespace {

using ::testing::HasSubstr;

TEST(PayloadsTest, JsonPayloadIsCompactJsonPlain) {
  const Payload payload = JsonPayload({{"greeting", "hello"}, {"n", 1}});
  EXPECT_EQ(payload.metadata().at("encoding"), "json/plain");
  EXPECT_EQ(payload.data(), R"({"greeting":"hello","n":1})");
}

TEST(PayloadsTest, RoundTripsEveryKindOfValue) {
  const std::vector<nlohmann::json> values = {
      nullptr, true, 42, 2.5, "text ü", nlohmann::json::array({1, 2}), {{"a", {{"b", nullptr}}}}};
  auto decoded = DecodeJsonPayloads(JsonPayloads(values));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, values);
}

TEST(PayloadsTest, InvalidUtf8IsReplacedNotThrown) {
  const Payload payload =
      JsonPayload(std::string("a\xff"
                              "b"));
  auto decoded = DecodeJsonPayload(payload);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_TRUE(decoded->is_string());
}

TEST(PayloadsTest, BinaryNullIsNull) {
  Payload payload;
  (*payload.mutable_metadata())["encoding"] = "binary/null";
  auto decoded = DecodeJsonPayload(payload);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_TRUE(decoded->is_null());
}

TEST(PayloadsTest, OtherEncodingsAreRefused) {
  Payload payload;
  (*payload.mutable_metadata())["encoding"] = "binary/protobuf";
  payload.set_data("\x08\x01");
  auto decoded = DecodeJsonPayload(payload);
  EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(decoded.status().message(), HasSubstr("binary/protobuf"));

  EXPECT_EQ(DecodeJsonPayload(Payload()).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PayloadsTest, MalformedJsonIsRefused) {
  Payload payload;
  (*payload.mutable_metadata())["encoding"] = "json/plain";
  payload.set_data("{\"a\":");
  EXPECT_EQ(DecodeJsonPayload(payload).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PayloadsTest, DecodingAListNamesTheBadPayload) {
  Payloads payloads = JsonPayloads({1, 2});
  payloads.mutable_payloads(1)->set_data("not json");
  auto decoded = DecodeJsonPayloads(payloads);
  EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(decoded.status().message(), HasSubstr("payload 1"));
}

TEST(PayloadsTest, MissingPayloadAtIndexIsNull) {
  const Payloads payloads = JsonPayloads({"first"});
  auto first = DecodeJsonPayloadAt(payloads, 0);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, "first");
  auto missing = DecodeJsonPayloadAt(payloads, 3);
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->is_null());
  auto none = DecodeJsonPayloadAt(Payloads(), 0);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->is_null());
}

TEST(PayloadsTest, DeeplyNestedJsonIsRefusedNotACrash) {
  Payload payload = JsonPayload(nullptr);
  payload.set_data(std::string(100000, '[') + std::string(100000, ']'));
  absl::StatusOr<nlohmann::json> value = DecodeJsonPayload(payload);
  ASSERT_FALSE(value.ok());
  EXPECT_THAT(std::string(value.status().message()),
              HasSubstr("the json/plain payload is nested deeper than 256 levels"));
}

}  // namespace
}  // namespace stigmer::temporal

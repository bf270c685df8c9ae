#include "common/cloud_event.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stigmer {
namespace {

using ::testing::HasSubstr;
using Headers = std::vector<std::pair<std::string, std::string>>;

std::string Message(const absl::Status& status) { return std::string(status.message()); }

TEST(CloudEventTest, StructuredModeKeepsEveryAttributeAndTheData) {
  absl::StatusOr<nlohmann::json> event = ParseStructuredCloudEvent(
      R"({"specversion": "1.0", "id": "A-1", "source": "/shop", "type": "order.placed",
          "subject": "o/7", "time": "2026-12-05T07:00:00Z", "priority": 3, "urgent": true,
          "data": {"items": [1, 2]}})");
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ((*event)["id"], "A-1");
  EXPECT_EQ((*event)["priority"], 3);
  EXPECT_EQ((*event)["data"]["items"][1], 2);
}

TEST(CloudEventTest, BinaryModeTakesCeHeadersInAnyCaseAndJsonData) {
  absl::StatusOr<nlohmann::json> event =
      ParseBinaryCloudEvent({{"Ce-Specversion", "1.0"},
                             {"ce-id", "B-1"},
                             {"CE-SOURCE", "/shop"},
                             {"ce-type", "order.placed"},
                             {"ce-note", "caf%C3%A9"},
                             {"Content-Type", "application/json; charset=utf-8"},
                             {"Host", "127.0.0.1"}},
                            R"({"total": 12.5})");
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ((*event)["source"], "/shop");
  EXPECT_EQ((*event)["note"], "café");
  EXPECT_EQ((*event)["data"]["total"], 12.5);
  EXPECT_EQ((*event)["datacontenttype"], "application/json; charset=utf-8");
  EXPECT_FALSE(event->contains("host"));
}

TEST(CloudEventTest, BinaryModeKeepsTextDataAsAString) {
  absl::StatusOr<nlohmann::json> event = ParseBinaryCloudEvent({{"ce-specversion", "1.0"},
                                                                {"ce-id", "1"},
                                                                {"ce-source", "s"},
                                                                {"ce-type", "t"},
                                                                {"content-type", "text/plain"}},
                                                               "hello");
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ((*event)["data"], "hello");
}

TEST(CloudEventTest, MissingRequiredAttributesAreNamed) {
  EXPECT_EQ(
      Message(
          ParseStructuredCloudEvent(R"({"specversion":"1.0","source":"s","type":"t"})").status()),
      "the event has no \"id\" attribute (CloudEvents requires it)");
  EXPECT_EQ(Message(ParseStructuredCloudEvent(R"({"id":"1","source":"s","type":"t"})").status()),
            "the event has no \"specversion\" attribute (CloudEvents requires it; use \"1.0\")");
  EXPECT_EQ(
      Message(ParseStructuredCloudEvent(R"({"specversion":"0.3","id":"1","source":"s","type":"t"})")
                  .status()),
      "the event's specversion is \"0.3\"; stigmer takes CloudEvents \"1.0\"");
  EXPECT_EQ(
      Message(ParseStructuredCloudEvent(R"({"specversion":"1.0","id":"","source":"s","type":"t"})")
                  .status()),
      "the event's \"id\" must be a non-empty string");
}

TEST(CloudEventTest, BadAttributesAreNamed) {
  EXPECT_EQ(Message(ParseStructuredCloudEvent(
                        R"({"specversion":"1.0","id":"1","source":"s","type":"t","Bad-Name":1})")
                        .status()),
            "the event's attribute name \"Bad-Name\" is not 1-20 lower-case letters or digits");
  EXPECT_EQ(Message(ParseStructuredCloudEvent(
                        R"({"specversion":"1.0","id":"1","source":"s","type":"t","x":{"a":1}})")
                        .status()),
            "the event's attribute \"x\" must be a string, an integer or a boolean");
  EXPECT_EQ(Message(ParseStructuredCloudEvent(
                        R"({"specversion":"1.0","id":"1","source":"s","type":"t","time":"noon"})")
                        .status()),
            "the event's time \"noon\" is not an RFC 3339 time (2026-01-02T15:04:05Z)");
}

TEST(CloudEventTest, NotJsonIsRefusedNamingWhere) {
  EXPECT_THAT(Message(ParseStructuredCloudEvent("{\"id\": ").status()),
              HasSubstr("the event is not valid JSON"));
  EXPECT_EQ(Message(ParseStructuredCloudEvent("[1]").status()),
            "the event must be a JSON object of CloudEvents attributes");
}

TEST(CloudEventTest, DeeplyNestedDataIsRefusedNotACrash) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_THAT(
      Message(ParseStructuredCloudEvent(
                  R"({"specversion":"1.0","id":"1","source":"s","type":"t","data":)" + deep + "}")
                  .status()),
      HasSubstr("the event is nested deeper than 256 levels"));
  EXPECT_THAT(
      Message(ParseBinaryCloudEvent(
                  {{"ce-specversion", "1.0"}, {"ce-id", "1"}, {"ce-source", "s"}, {"ce-type", "t"}},
                  deep)
                  .status()),
      HasSubstr("the event's data is nested deeper than 256 levels"));
}

TEST(CloudEventTest, HugeEventIsRefusedNamingTheLimit) {
  const std::string big(kMaxCloudEventBytes, 'x');
  EXPECT_THAT(Message(ParseBinaryCloudEvent({{"ce-specversion", "1.0"},
                                             {"ce-id", "1"},
                                             {"ce-source", "s"},
                                             {"ce-type", "t"},
                                             {"content-type", "text/plain"}},
                                            big)
                          .status()),
              HasSubstr(" bytes; the limit is 262144"));
  EXPECT_THAT(Message(ParseStructuredCloudEvent(big + big).status()),
              HasSubstr("the event is 524288 bytes; the limit is 262144"));
  EXPECT_EQ(Message(ParseBinaryCloudEvent({{"ce-specversion", "1.0"},
                                           {"ce-id", std::string(2000, 'i')},
                                           {"ce-source", "s"},
                                           {"ce-type", "t"}},
                                          "")
                        .status()),
            "the event's attribute \"id\" is longer than 1024 bytes");
}

TEST(CloudEventTest, BinaryModeWithoutSpecversionSaysHowToSendAnEvent) {
  EXPECT_THAT(Message(ParseBinaryCloudEvent({{"content-type", "application/json"}}, "{}").status()),
              HasSubstr("no ce-specversion header: send a CloudEvent in binary mode"));
  EXPECT_EQ(
      Message(ParseBinaryCloudEvent({{"ce-specversion", "1.0"}, {"ce-id", "%zz"}}, "").status()),
      "header ce-id has a bad percent-encoding (%XX expected)");
  EXPECT_EQ(Message(ParseBinaryCloudEvent({{"ce-specversion", "1.0"},
                                           {"ce-id", "1"},
                                           {"ce-source", "s"},
                                           {"ce-type", "t"},
                                           {"content-type", "text/plain"}},
                                          "\xff\xfe")
                        .status()),
            "the event holds text that is not valid UTF-8");
}

TEST(CloudEventTest, BinaryModeRefusesRepeatedAndMisplacedHeaders) {
  EXPECT_EQ(
      Message(ParseBinaryCloudEvent({{"ce-specversion", "1.0"}, {"Ce-Id", "1"}, {"ce-id", "2"}}, "")
                  .status()),
      "header ce-id is given twice");
  EXPECT_EQ(Message(ParseBinaryCloudEvent(
                        {{"ce-specversion", "1.0"}, {"ce-datacontenttype", "text/plain"}}, "")
                        .status()),
            "header ce-datacontenttype is not allowed in binary mode (Content-Type carries it)");
}

TEST(CloudEventTest, ContentTypesOfBothModes) {
  EXPECT_TRUE(IsStructuredCloudEventContentType("application/cloudevents+json; charset=UTF-8"));
  EXPECT_FALSE(IsStructuredCloudEventContentType("application/json"));
  EXPECT_TRUE(IsBatchCloudEventContentType("Application/CloudEvents-Batch+JSON"));
}

}  // namespace
}  // namespace stigmer

#include "agent/mcp/mcp_http_transport.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stigmer::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(McpHttpMessagesTest, AJsonAnswerIsOneMessageAndABatchIsEach) {
  EXPECT_THAT(*McpHttpMessages("application/json", R"({"jsonrpc":"2.0","id":1,"result":{}})"),
              ElementsAre(R"({"id":1,"jsonrpc":"2.0","result":{}})"));
  EXPECT_THAT(*McpHttpMessages("application/json; charset=utf-8", R"([{"id":1},{"id":2}])"),
              ElementsAre(R"({"id":1})", R"({"id":2})"));
}

TEST(McpHttpMessagesTest, EventStreamDataAreTheMessages) {
  const std::string body =
      ": a comment\r\n"
      "event: message\r\nid: a\r\ndata: {\"id\":1}\r\n\r\n"
      "data: {\"method\":\"ping\",\r\ndata: \"id\":7}\n\n"
      "retry: 100\n\n"
      "data: {\"id\":2}";  // the stream ended without the blank line
  EXPECT_THAT(*McpHttpMessages("text/event-stream", body),
              ElementsAre(R"({"id":1})", "{\"method\":\"ping\",\n\"id\":7}", R"({"id":2})"));
  EXPECT_THAT(*McpHttpMessages("Text/Event-Stream", ""), IsEmpty());
}

TEST(McpHttpMessagesTest, OtherContentIsRefusedByName) {
  EXPECT_THAT(McpHttpMessages("text/html", "<html>").status().message(),
              HasSubstr("Content-Type \"text/html\""));
  EXPECT_THAT(McpHttpMessages("application/json", "{not json").status().message(),
              HasSubstr("does not parse"));
}

}  // namespace
}  // namespace stigmer::agent

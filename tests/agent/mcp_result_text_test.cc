// What the model reads of an MCP tool's result (the content blocks of tools/call).

#include "agent/mcp/mcp_client.h"
#include "gtest/gtest.h"

namespace stigmer::agent {
namespace {

TEST(McpResultTextTest, TextBlocksAreJoinedByNewlines) {
  EXPECT_EQ(McpResultText({{"content",
                            {{{"type", "text"}, {"text", "first"}},
                             {{"type", "text"}, {"text", "second"}}}}}),
            "first\nsecond");
}

TEST(McpResultTextTest, OtherBlocksAreDescribedNotDumped) {
  const nlohmann::json result = {
      {"content",
       {{{"type", "image"}, {"data", std::string(1000, 'A')}, {"mimeType", "image/png"}},
        {{"type", "audio"}, {"data", "AAAA"}, {"mimeType", "audio/wav"}},
        {{"type", "resource"}, {"resource", {{"uri", "file:///a.bin"}, {"blob", "AAAA"}}}},
        {{"type", "resource"}, {"resource", {{"uri", "file:///a.txt"}, {"text", "inline"}}}}}}};
  EXPECT_EQ(McpResultText(result),
            "[image image/png]\n[audio audio/wav]\n[resource file:///a.bin]\ninline");
}

TEST(McpResultTextTest, StructuredContentShowsWhenThereIsNoText) {
  EXPECT_EQ(McpResultText({{"content", nlohmann::json::array()},
                           {"structuredContent", {{"temperature", 21}}}}),
            R"({"temperature":21})");
  EXPECT_EQ(McpResultText(nlohmann::json::object()), "");
}

}  // namespace
}  // namespace stigmer::agent

// The Anthropic Messages adapter against answers in the shape Anthropic's API sends.

#include "agent/model/anthropic_messages.h"

#include "gtest/gtest.h"

namespace stigmer::agent {
namespace {

ChatRequest Conversation() {
  ChatRequest request;
  request.model = "claude-sonnet-4-5";
  request.messages = {
      {.role = Role::kSystem, .text = "You are terse."},
      {.role = Role::kUser, .text = "Weather in Paris and Oslo?"},
      {.role = Role::kAssistant,
       .text = "Checking both.",
       .tool_calls = {{.id = "toolu_1", .name = "weather", .arguments = {{"city", "Paris"}}},
                      {.id = "toolu_2", .name = "weather", .arguments = {{"city", "Oslo"}}}}},
      {.role = Role::kTool, .text = "18 C", .tool_call_id = "toolu_1", .tool_name = "weather"},
      {.role = Role::kTool, .text = "4 C", .tool_call_id = "toolu_2", .tool_name = "weather"}};
  request.tools = {{.name = "weather", .description = "Current weather of a city."}};
  return request;
}

TEST(AnthropicMessagesTest, RequestMovesTheSystemPromptAndGroupsToolResults) {
  const nlohmann::json body = AnthropicMessagesBody(Conversation());
  EXPECT_EQ(body["system"], "You are terse.");
  EXPECT_EQ(body["max_tokens"], kAnthropicDefaultMaxTokens);
  EXPECT_FALSE(body.contains("temperature"));
  EXPECT_EQ(body["tools"][0]["input_schema"]["type"], "object");
  ASSERT_EQ(body["messages"].size(), 3u);
  EXPECT_EQ(body["messages"][0],
            (nlohmann::json{{"role", "user"}, {"content", "Weather in Paris and Oslo?"}}));
  const nlohmann::json& assistant = body["messages"][1]["content"];
  EXPECT_EQ(assistant[0], (nlohmann::json{{"type", "text"}, {"text", "Checking both."}}));
  EXPECT_EQ(assistant[2]["type"], "tool_use");
  EXPECT_EQ(assistant[2]["input"]["city"], "Oslo");
  const nlohmann::json& results = body["messages"][2];
  EXPECT_EQ(results["role"], "user");
  ASSERT_EQ(results["content"].size(), 2u);
  EXPECT_EQ(
      results["content"][1],
      (nlohmann::json{{"type", "tool_result"}, {"tool_use_id", "toolu_2"}, {"content", "4 C"}}));
}

TEST(AnthropicMessagesTest, ToolUseAnswer) {
  const char* kAnswer = R"({"id":"msg_01","type":"message","role":"assistant",
    "model":"claude-sonnet-4-5","content":[
      {"type":"text","text":"Let me check."},
      {"type":"tool_use","id":"toolu_9","name":"weather","input":{"city":"Paris"}}],
    "stop_reason":"tool_use","stop_sequence":null,
    "usage":{"input_tokens":420,"output_tokens":55}})";
  absl::StatusOr<ChatAnswer> answer = ParseAnthropicAnswer(kAnswer);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->text, "Let me check.");
  ASSERT_EQ(answer->tool_calls.size(), 1u);
  EXPECT_EQ(answer->tool_calls[0],
            (ToolCall{.id = "toolu_9", .name = "weather", .arguments = {{"city", "Paris"}}}));
  EXPECT_EQ(answer->finish_reason, FinishReason::kToolCalls);
  EXPECT_EQ(answer->usage, (Usage{.input_tokens = 420, .output_tokens = 55}));
}

TEST(AnthropicMessagesTest, TextAnswerCutAtMaxTokens) {
  absl::StatusOr<ChatAnswer> answer = ParseAnthropicAnswer(
      R"({"type":"message","content":[{"type":"text","text":"It is"}],"stop_reason":"max_tokens"})");
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->text, "It is");
  EXPECT_EQ(answer->finish_reason, FinishReason::kLength);
}

TEST(AnthropicMessagesTest, BodiesThatAreNotMessagesAreMalformedAnswers) {
  for (const char* body : {"", "{", R"({"type":"message"})", R"({"content":"text"})"}) {
    absl::StatusOr<ChatAnswer> answer = ParseAnthropicAnswer(body);
    ASSERT_FALSE(answer.ok()) << body;
    EXPECT_EQ(answer.status().code(), absl::StatusCode::kInvalidArgument) << body;
  }
}

}  // namespace
}  // namespace stigmer::agent

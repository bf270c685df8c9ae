// The OpenAI-compatible adapter against answers in the shapes OpenAI, Ollama's /v1 and
// llama.cpp's server send.

#include "agent/model/openai_chat.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace stigmer::agent {
namespace {

ChatRequest WeatherRequest() {
  ChatRequest request;
  request.model = "gpt-4o-mini";
  request.messages = {{.role = Role::kSystem, .text = "You are terse."},
                      {.role = Role::kUser, .text = "Weather in Paris?"}};
  request.tools = {{.name = "weather",
                    .description = "Current weather of a city.",
                    .parameters = {{"type", "object"},
                                   {"properties", {{"city", {{"type", "string"}}}}},
                                   {"required", {"city"}}}}};
  request.temperature = 0;
  request.max_tokens = 256;
  return request;
}

TEST(OpenAiChatTest, NativeRequestOffersToolsAndReplaysEarlierCalls) {
  ChatRequest request = WeatherRequest();
  request.messages.push_back(
      {.role = Role::kAssistant,
       .tool_calls = {{.id = "call_1", .name = "weather", .arguments = {{"city", "Paris"}}}}});
  request.messages.push_back({.role = Role::kTool,
                              .text = "18 C, clear",
                              .tool_call_id = "call_1",
                              .tool_name = "weather"});
  const nlohmann::json body = OpenAiChatBody(request, ToolMode::kNative);
  EXPECT_EQ(body["model"], "gpt-4o-mini");
  EXPECT_EQ(body["stream"], false);
  EXPECT_EQ(body["max_tokens"], 256);
  EXPECT_EQ(body["temperature"], 0);
  EXPECT_EQ(body["tools"][0]["type"], "function");
  EXPECT_EQ(body["tools"][0]["function"]["name"], "weather");
  EXPECT_EQ(body["tools"][0]["function"]["parameters"]["required"][0], "city");
  ASSERT_EQ(body["messages"].size(), 4u);
  EXPECT_EQ(body["messages"][0],
            (nlohmann::json{{"role", "system"}, {"content", "You are terse."}}));
  const nlohmann::json& call = body["messages"][2];
  EXPECT_TRUE(call["content"].is_null());
  EXPECT_EQ(call["tool_calls"][0]["id"], "call_1");
  EXPECT_EQ(call["tool_calls"][0]["function"]["arguments"], R"({"city":"Paris"})");
  EXPECT_EQ(
      body["messages"][3],
      (nlohmann::json{{"role", "tool"}, {"tool_call_id", "call_1"}, {"content", "18 C, clear"}}));
}

TEST(OpenAiChatTest, OpenAiToolCallAnswerHasParsedArguments) {
  const char* kAnswer = R"({
    "id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-4o-mini",
    "choices": [{"index": 0, "finish_reason": "tool_calls",
      "message": {"role": "assistant", "content": null, "tool_calls": [
        {"id": "call_abc", "type": "function",
         "function": {"name": "weather", "arguments": "{\"city\": \"Paris\"}"}}]}}],
    "usage": {"prompt_tokens": 82, "completion_tokens": 17, "total_tokens": 99}})";
  absl::StatusOr<ChatAnswer> answer =
      ParseOpenAiChatAnswer(kAnswer, WeatherRequest(), ToolMode::kNative);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->finish_reason, FinishReason::kToolCalls);
  ASSERT_EQ(answer->tool_calls.size(), 1u);
  EXPECT_EQ(answer->tool_calls[0],
            (ToolCall{.id = "call_abc", .name = "weather", .arguments = {{"city", "Paris"}}}));
  EXPECT_EQ(answer->usage, (Usage{.input_tokens = 82, .output_tokens = 17}));
}

TEST(OpenAiChatTest, OllamaTextAnswer) {
  const char* kAnswer = R"({"id":"chatcmpl-532","object":"chat.completion","created":1733000000,
    "model":"llama3.2","system_fingerprint":"fp_ollama",
    "choices":[{"index":0,"message":{"role":"assistant","content":"It is sunny."},
    "finish_reason":"stop"}],"usage":{"prompt_tokens":30,"completion_tokens":5,"total_tokens":35}})";
  absl::StatusOr<ChatAnswer> answer =
      ParseOpenAiChatAnswer(kAnswer, WeatherRequest(), ToolMode::kNative);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->text, "It is sunny.");
  EXPECT_TRUE(answer->tool_calls.empty());
  EXPECT_EQ(answer->finish_reason, FinishReason::kStop);
}

TEST(OpenAiChatTest, ArgumentsThatAreNotJsonAreReportedOnTheCallNotAsAFailedAnswer) {
  const char* kAnswer = R"({"choices":[{"finish_reason":"tool_calls","message":{"role":"assistant",
    "tool_calls":[{"id":"c1","type":"function","function":{"name":"weather","arguments":"{city: Paris"}},
                  {"id":"c2","type":"function","function":{"name":"weather","arguments":"[1]"}}]}}]})";
  absl::StatusOr<ChatAnswer> answer =
      ParseOpenAiChatAnswer(kAnswer, WeatherRequest(), ToolMode::kNative);
  ASSERT_TRUE(answer.ok()) << answer.status();
  ASSERT_EQ(answer->tool_calls.size(), 2u);
  EXPECT_FALSE(answer->tool_calls[0].arguments_error.empty());
  EXPECT_EQ(answer->tool_calls[1].arguments_error, "the arguments must be a JSON object");
}

TEST(OpenAiChatTest, BodiesThatAreNotChatCompletionsAreMalformedAnswers) {
  for (const char* body : {"", "not json", "[]", R"({"choices": []})", R"({"choices": [1]})",
                           R"({"choices": [{"message": "hi"}]})"}) {
    absl::StatusOr<ChatAnswer> answer =
        ParseOpenAiChatAnswer(body, WeatherRequest(), ToolMode::kNative);
    ASSERT_FALSE(answer.ok()) << body;
    EXPECT_EQ(answer.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(answer.status().message(), "malformed answer: ")) << body;
  }
}

TEST(OpenAiChatTest, JsonSchemaModeAsksForAStepAndReadsTheToolCall) {
  ChatRequest request = WeatherRequest();
  const nlohmann::json body = OpenAiChatBody(request, ToolMode::kJsonSchema);
  EXPECT_FALSE(body.contains("tools"));
  EXPECT_EQ(body["response_format"]["type"], "json_schema");
  const nlohmann::json& choices = body["response_format"]["json_schema"]["schema"]["anyOf"];
  ASSERT_EQ(choices.size(), 2u);
  EXPECT_EQ(choices[0]["properties"]["tool"]["const"], "weather");
  EXPECT_EQ(choices[1]["required"][0], "answer");
  const std::string system = body["messages"][0]["content"];
  EXPECT_TRUE(absl::StrContains(system, "You are terse.")) << system;
  EXPECT_TRUE(absl::StrContains(system, "- weather: Current weather of a city.")) << system;

  // llama.cpp's server, constrained by the schema, answers with the step as text.
  const char* kAnswer =
      R"({"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant",
    "content":"{\"tool\": \"weather\", \"arguments\": {\"city\": \"Paris\"}}"}}],
    "usage":{"completion_tokens":14,"prompt_tokens":120,"total_tokens":134},
    "timings":{"predicted_per_second":110.5}})";
  absl::StatusOr<ChatAnswer> answer =
      ParseOpenAiChatAnswer(kAnswer, request, ToolMode::kJsonSchema);
  ASSERT_TRUE(answer.ok()) << answer.status();
  ASSERT_EQ(answer->tool_calls.size(), 1u);
  EXPECT_EQ(answer->tool_calls[0].name, "weather");
  EXPECT_EQ(answer->tool_calls[0].arguments, (nlohmann::json{{"city", "Paris"}}));
  EXPECT_EQ(answer->finish_reason, FinishReason::kToolCalls);
  EXPECT_EQ(answer->usage.output_tokens, 14);
}

TEST(OpenAiChatTest, JsonSchemaModeRendersEarlierCallsAsText) {
  ChatRequest request = WeatherRequest();
  request.messages.push_back(
      {.role = Role::kAssistant,
       .tool_calls = {{.id = "step-2", .name = "weather", .arguments = {{"city", "Paris"}}}}});
  request.messages.push_back(
      {.role = Role::kTool, .text = "18 C", .tool_call_id = "step-2", .tool_name = "weather"});
  const nlohmann::json body = OpenAiChatBody(request, ToolMode::kJsonSchema);
  EXPECT_EQ(body["messages"][2],
            (nlohmann::json{{"role", "assistant"},
                            {"content", R"({"arguments":{"city":"Paris"},"tool":"weather"})"}}));
  EXPECT_EQ(body["messages"][3],
            (nlohmann::json{{"role", "user"}, {"content", "Result of the tool weather:\n18 C"}}));

  const char* kFinal = R"({"choices":[{"finish_reason":"stop","message":{"role":"assistant",
    "content":"{\"answer\": \"18 C and clear in Paris.\"}"}}]})";
  absl::StatusOr<ChatAnswer> answer = ParseOpenAiChatAnswer(kFinal, request, ToolMode::kJsonSchema);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->text, "18 C and clear in Paris.");
  EXPECT_TRUE(answer->tool_calls.empty());
}

TEST(OpenAiChatTest, JsonSchemaModeRefusesToolsItDidNotOfferAndCutSteps) {
  const ChatRequest request = WeatherRequest();
  absl::StatusOr<ChatAnswer> unknown = ParseOpenAiChatAnswer(
      R"({"choices":[{"message":{"content":"{\"tool\":\"rm\",\"arguments\":{}}"}}]})", request,
      ToolMode::kJsonSchema);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message(),
            "the model asked for the tool \"rm\", which it was not offered");
  absl::StatusOr<ChatAnswer> cut = ParseOpenAiChatAnswer(
      R"({"choices":[{"finish_reason":"length","message":{"content":"{\"tool\":\"wea"}}]})",
      request, ToolMode::kJsonSchema);
  ASSERT_FALSE(cut.ok());
  EXPECT_TRUE(absl::StrContains(cut.status().message(), "raise the agent's max tokens"));
}

}  // namespace
}  // namespace stigmer::agent

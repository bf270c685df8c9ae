// Model calls over real HTTP to the scripted model server: what is sent, what comes back, and
// what each failure means for retrying.

#include "absl/strings/str_cat.h"
#include "agent/model/model_call.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/local_http_server.h"
#include "testing/scripted_model_server.h"

namespace stigmer::agent {
namespace {

using ::testing::HasSubstr;

ChatRequest Question() {
  return {.model = "scripted",
          .messages = {{.role = Role::kSystem, .text = "Be brief."},
                       {.role = Role::kUser, .text = "Weather in Paris?"}},
          .tools = {{.name = "weather", .description = "Current weather of a city."}}};
}

ModelEndpoint Endpoint(const testing::ScriptedModelServer& server) {
  return {.provider = {.name = "scripted",
                       .base_url = server.base_url(),
                       .key_source = "the environment variable SCRIPTED_API_KEY"},
          .api_key = "sk-test-key",
          .timeout = absl::Seconds(10)};
}

bool Forever() { return true; }

TEST(ModelCallIntegration, SendsTheConversationWithTheKeyAndReadsAToolCall) {
  testing::ScriptedModelServer server;
  server.QueueToolCall("call_1", "weather", {{"city", "Paris"}});
  auto result = CallModel(Endpoint(server), Question(), Forever);
  ASSERT_TRUE(std::holds_alternative<ChatAnswer>(result))
      << std::get<ProviderFailure>(result).status;
  const ChatAnswer& answer = std::get<ChatAnswer>(result);
  ASSERT_EQ(answer.tool_calls.size(), 1u);
  EXPECT_EQ(answer.tool_calls[0].arguments, (nlohmann::json{{"city", "Paris"}}));
  const auto sent = server.http_requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method, "POST");
  EXPECT_EQ(sent[0].path, "/v1/chat/completions");
  EXPECT_EQ(sent[0].headers.at("authorization"), "Bearer sk-test-key");
  EXPECT_EQ(server.requests()[0]["messages"][1]["content"], "Weather in Paris?");
  EXPECT_EQ(server.requests()[0]["tools"][0]["function"]["name"], "weather");
}

TEST(ModelCallIntegration, RateLimitsAreRetryableAfterWhatTheServerSays) {
  testing::ScriptedModelServer server;
  server.Queue({.status = 429,
                .body = R"({"error":{"message":"Rate limit reached"}})",
                .headers = {{"Retry-After", "3"}}});
  auto result = CallModel(Endpoint(server), Question(), Forever);
  ASSERT_TRUE(std::holds_alternative<ProviderFailure>(result));
  const ProviderFailure& failure = std::get<ProviderFailure>(result);
  EXPECT_TRUE(failure.retryable);
  EXPECT_EQ(failure.retry_after, absl::Seconds(3));
  EXPECT_THAT(std::string(failure.status.message()), HasSubstr("HTTP 429: Rate limit reached"));
}

TEST(ModelCallIntegration, ABadKeyIsNotRetriedAndSaysWhereTheKeyComesFrom) {
  testing::ScriptedModelServer server;
  server.Queue({.status = 401, .body = R"({"error":{"message":"Incorrect API key"}})"});
  auto result = CallModel(Endpoint(server), Question(), Forever);
  ASSERT_TRUE(std::holds_alternative<ProviderFailure>(result));
  const ProviderFailure& failure = std::get<ProviderFailure>(result);
  EXPECT_FALSE(failure.retryable);
  EXPECT_EQ(failure.status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(failure.status.message()),
              HasSubstr("check the API key in the environment variable SCRIPTED_API_KEY"));
  EXPECT_THAT(std::string(failure.status.message()), ::testing::Not(HasSubstr("sk-test-key")));
}

TEST(ModelCallIntegration, AnAnswerThatIsNotJsonIsAClearErrorNotARetry) {
  testing::ScriptedModelServer server;
  server.Queue({.body = "<html>oops</html>"});
  auto result = CallModel(Endpoint(server), Question(), Forever);
  ASSERT_TRUE(std::holds_alternative<ProviderFailure>(result));
  const ProviderFailure& failure = std::get<ProviderFailure>(result);
  EXPECT_FALSE(failure.retryable);
  EXPECT_THAT(std::string(failure.status.message()), HasSubstr("malformed answer"));
}

TEST(ModelCallIntegration, AServerThatIsNotThereIsRetryable) {
  int port = 0;
  {
    testing::LocalHttpServer gone(
        [](const testing::HttpServerRequest&) { return testing::HttpServerResponse{}; });
    port = gone.port();
  }
  ModelEndpoint endpoint{
      .provider = {.name = "local", .base_url = absl::StrCat("http://127.0.0.1:", port, "/v1")},
      .timeout = absl::Seconds(5)};
  auto result = CallModel(endpoint, Question(), Forever);
  ASSERT_TRUE(std::holds_alternative<ProviderFailure>(result));
  EXPECT_TRUE(std::get<ProviderFailure>(result).retryable);
  EXPECT_EQ(std::get<ProviderFailure>(result).status.code(), absl::StatusCode::kUnavailable);
}

TEST(ModelCallIntegration, AnthropicMessagesGoToTheirOwnPathWithTheirHeaders) {
  testing::ScriptedModelServer server;
  server.Queue({.body = R"({"type":"message","content":[{"type":"text","text":"Sunny."}],
                           "stop_reason":"end_turn","usage":{"input_tokens":9,"output_tokens":2}})"});
  ModelEndpoint endpoint = Endpoint(server);
  endpoint.format = WireFormat::kAnthropicMessages;
  auto result = CallModel(endpoint, Question(), Forever);
  ASSERT_TRUE(std::holds_alternative<ChatAnswer>(result))
      << std::get<ProviderFailure>(result).status;
  EXPECT_EQ(std::get<ChatAnswer>(result).text, "Sunny.");
  const auto sent = server.http_requests();
  EXPECT_EQ(sent[0].path, "/v1/messages");
  EXPECT_EQ(sent[0].headers.at("x-api-key"), "sk-test-key");
  EXPECT_EQ(sent[0].headers.at("anthropic-version"), "2023-06-01");
  EXPECT_EQ(server.requests()[0]["system"], "Be brief.");
}

}  // namespace
}  // namespace stigmer::agent

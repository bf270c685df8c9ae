#include "agent/model/provider_error.h"

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"

namespace stigmer::agent {
namespace {

const ProviderIdentity kOpenAi{.name = "openai",
                               .base_url = "https://api.openai.com/v1",
                               .key_source = "the environment variable OPENAI_API_KEY"};

TEST(ProviderErrorTest, BadKeyNamesTheProviderAndWhereTheKeyComesFrom) {
  const ProviderFailure failure = ClassifyHttpFailure(
      kOpenAi, 401,
      R"({"error":{"message":"Incorrect API key provided: sk-xx.","type":"invalid_request_error","code":"invalid_api_key"}})",
      "", absl::Now());
  EXPECT_FALSE(failure.retryable);
  EXPECT_EQ(failure.status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(failure.status.message(),
            "openai at https://api.openai.com/v1 answered HTTP 401: Incorrect API key provided: "
            "sk-xx.; check the API key in the environment variable OPENAI_API_KEY");
}

TEST(ProviderErrorTest, RateLimitsAndServerErrorsAreRetriedHonouringRetryAfter) {
  const ProviderFailure limited = ClassifyHttpFailure(
      kOpenAi, 429, R"({"error":{"message":"Rate limit reached"}})", "7", absl::Now());
  EXPECT_TRUE(limited.retryable);
  EXPECT_EQ(limited.status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(limited.retry_after, absl::Seconds(7));

  const absl::Time now =
      absl::FromCivil(absl::CivilSecond(2026, 12, 4, 12, 0, 0), absl::UTCTimeZone());
  const ProviderFailure overloaded = ClassifyHttpFailure(
      {.name = "anthropic", .base_url = "https://api.anthropic.com"}, 529,
      R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})",
      "Fri, 04 Dec 2026 12:00:30 GMT", now);
  EXPECT_TRUE(overloaded.retryable);
  EXPECT_EQ(overloaded.retry_after, absl::Seconds(30));
  EXPECT_EQ(overloaded.status.message(),
            "anthropic at https://api.anthropic.com answered HTTP 529: Overloaded (retried with "
            "backoff)");
  for (long status : {408L, 409L, 500L, 503L}) {
    EXPECT_TRUE(ClassifyHttpFailure(kOpenAi, status, "", "", now).retryable) << status;
  }
}

TEST(ProviderErrorTest, OllamaStyleAndPlainTextBodiesAreQuoted) {
  const ProviderFailure missing = ClassifyHttpFailure(
      {.name = "ollama", .base_url = "http://127.0.0.1:11434/v1"}, 404,
      R"({"error":"model \"llama9\" not found, try pulling it first"})", "", absl::Now());
  EXPECT_FALSE(missing.retryable);
  EXPECT_EQ(missing.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.status.message(),
            "ollama at http://127.0.0.1:11434/v1 answered HTTP 404: model \"llama9\" not found, "
            "try pulling it first");
  EXPECT_EQ(ProviderMessage("<html>\nBad Gateway</html>"), "<html>");
  EXPECT_EQ(ProviderMessage(std::string(1000, 'x')).size(), 300u + std::string("…").size());
}

}  // namespace
}  // namespace stigmer::agent

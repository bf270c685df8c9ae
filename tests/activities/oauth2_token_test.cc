// `oauth2` and `oidc` authentication of the http activity against a token endpoint the test
// serves: the token request, the token's use and cache, and the errors of a bad endpoint.

#include "activities/oauth2_token.h"

#include <string>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/match.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "activities/http_activity.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/local_http_server.h"

namespace stigmer::activities {
namespace {

using ::stigmer::testing::HttpServerRequest;
using ::stigmer::testing::HttpServerResponse;
using ::stigmer::testing::LocalHttpServer;
using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

class FakeControl : public ActivityControl {
 public:
  bool KeepGoing() override { return true; }
};

// An identity provider and a resource on one server. The token endpoint answers `token_body`;
// /resource echoes the Authorization header it got.
struct Provider {
  std::string token_body = R"({"access_token": "tok-1", "token_type": "Bearer",
                               "expires_in": 3600})";
  int token_status = 200;
  LocalHttpServer server{[this](const HttpServerRequest& request) {
    if (request.path == "/realm/.well-known/openid-configuration") {
      return HttpServerResponse{
          200, {}, json({{"token_endpoint", server.url() + "/realm/protocol/token"}}).dump()};
    }
    if (request.path == "/realm/oauth2/token" || request.path == "/realm/protocol/token") {
      return HttpServerResponse{token_status, {{"Content-Type", "application/json"}}, token_body};
    }
    if (request.path == "/resource") {
      auto found = request.headers.find("authorization");
      return HttpServerResponse{200, {}, found == request.headers.end() ? "none" : found->second};
    }
    return HttpServerResponse{404, {}, ""};
  }};

  int TokenRequests() const {
    int count = 0;
    for (const HttpServerRequest& request : server.requests()) {
      count += absl::StrContains(request.path, "token") ? 1 : 0;
    }
    return count;
  }
  // The Authorization header of the last request to /resource.
  std::string LastResourceAuthorization() const {
    std::string authorization;
    for (const HttpServerRequest& request : server.requests()) {
      if (request.path != "/resource") continue;
      auto found = request.headers.find("authorization");
      authorization = found == request.headers.end() ? "none" : found->second;
    }
    return authorization;
  }
  std::string LastTokenRequestBody() const {
    std::string body;
    for (const HttpServerRequest& request : server.requests()) {
      if (absl::StrContains(request.path, "token")) body = request.body;
    }
    return body;
  }
};

ActivityResult Fetch(const Provider& provider, const json& policy, const std::string& run) {
  FakeControl control;
  return RunHttpActivity(
      {{"task", "/do/0/fetch"},
       {"input", json::object()},
       {kRunKey, run},
       {"with",
        {{"method", "get"},
         {"endpoint",
          {{"uri", provider.server.url() + "/resource"}, {"authentication", policy}}}}}},
      {}, control);
}

json ClientCredentials(const Provider& provider) {
  return {{"oauth2",
           {{"authority", provider.server.url() + "/realm"},
            {"grant", "client_credentials"},
            {"client", {{"id", "app"}, {"secret", "cl1ent-s3cret"}}},
            {"scopes", {"read", "write"}}}}};
}

TEST(OAuth2TokenTest, ClientCredentialsTokenIsRequestedOncePerRunAndSentAsBearer) {
  Provider provider;
  ActivityResult result = Fetch(provider, ClientCredentials(provider), "wex-a/1");
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(provider.LastResourceAuthorization(), "Bearer tok-1");
  EXPECT_EQ(provider.LastTokenRequestBody(),
            "client_id=app&client_secret=cl1ent-s3cret&grant_type=client_credentials&scope=read%"
            "20write");
  EXPECT_TRUE(Fetch(provider, ClientCredentials(provider), "wex-a/1").ok());
  EXPECT_EQ(provider.TokenRequests(), 1);
  // Another run asks for its own.
  EXPECT_TRUE(Fetch(provider, ClientCredentials(provider), "wex-b/1").ok());
  EXPECT_EQ(provider.TokenRequests(), 2);
}

TEST(OAuth2TokenTest, TokenAboutToExpireIsNotReused) {
  Provider provider;
  provider.token_body = R"({"access_token": "short", "expires_in": 20})";
  EXPECT_TRUE(Fetch(provider, ClientCredentials(provider), "wex-c/1").ok());
  EXPECT_TRUE(Fetch(provider, ClientCredentials(provider), "wex-c/1").ok());
  EXPECT_EQ(provider.LastResourceAuthorization(), "Bearer short");
  EXPECT_EQ(provider.TokenRequests(), 2);
}

TEST(OAuth2TokenTest, OidcPasswordGrantFindsTheTokenEndpointAndSendsJsonWithBasicClient) {
  Provider provider;
  const json policy = {
      {"oidc",
       {{"authority", provider.server.url() + "/realm/"},
        {"grant", "password"},
        {"username", "ada"},
        {"password", "pw"},
        {"request", {{"encoding", "application/json"}}},
        {"client", {{"id", "app"}, {"secret", "s"}, {"authentication", "client_secret_basic"}}}}}};
  ActivityResult result = Fetch(provider, policy, "wex-d/1");
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(provider.LastResourceAuthorization(), "Bearer tok-1");
  EXPECT_EQ(json::parse(provider.LastTokenRequestBody()),
            json({{"grant_type", "password"}, {"username", "ada"}, {"password", "pw"}}));
  for (const HttpServerRequest& request : provider.server.requests()) {
    if (request.path == "/realm/protocol/token") {
      EXPECT_EQ(request.headers.at("authorization"), "Basic YXBwOnM=");
    }
  }
}

TEST(OAuth2TokenTest, TokenEndpointThatFailsOrAnswersGarbageIsAnAuthenticationError) {
  Provider provider;
  provider.token_status = 500;
  ActivityResult result = Fetch(provider, ClientCredentials(provider), "wex-e/1");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error.type, std::string(durable::kErrorTypePrefix) + "authentication");
  EXPECT_EQ(result.error.status, 401);
  EXPECT_EQ(result.error.title, "OAuth2 token request failed");
  EXPECT_EQ(result.error.detail,
            "POST " + provider.server.url() + "/realm/oauth2/token returned 500");
  EXPECT_THAT(result.error.ToJson().dump(), Not(HasSubstr("cl1ent-s3cret")));

  provider.token_status = 200;
  provider.token_body = "<html>login</html>";
  result = Fetch(provider, ClientCredentials(provider), "wex-e/1");
  EXPECT_EQ(result.error.detail, "POST " + provider.server.url() +
                                     "/realm/oauth2/token answered something that is not a JSON "
                                     "object");
  provider.token_body = R"({"token_type": "Bearer"})";
  result = Fetch(provider, ClientCredentials(provider), "wex-e/1");
  EXPECT_EQ(result.error.detail, "POST " + provider.server.url() +
                                     "/realm/oauth2/token answered no usable access_token");
  // Once the endpoint answers well, the same run's call goes through.
  provider.token_body = R"({"access_token": "tok-2"})";
  EXPECT_TRUE(Fetch(provider, ClientCredentials(provider), "wex-e/1").ok());
  EXPECT_EQ(provider.LastResourceAuthorization(), "Bearer tok-2");
}

TEST(OAuth2TokenTest, TokenEchoedByTheServerIsRedactedFromTheOutputAndErrors) {
  Provider provider;  // /resource echoes the Authorization header
  ActivityResult result = Fetch(provider, ClientCredentials(provider), "wex-g/1");
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(provider.LastResourceAuthorization(), "Bearer tok-1");
  EXPECT_EQ(result.output, "Bearer ***");

  LocalHttpServer refusing([&provider](const HttpServerRequest& request) {
    return HttpServerResponse{403, {}, "token " + request.headers.at("authorization") + " denied"};
  });
  FakeControl control;
  result = RunHttpActivity({{"task", "/do/0/fetch"},
                            {"input", json::object()},
                            {kRunKey, "wex-g/1"},
                            {"with",
                             {{"method", "get"},
                              {"endpoint",
                               {{"uri", refusing.url() + "/resource"},
                                {"authentication", ClientCredentials(provider)}}}}}},
                           {}, control);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error.detail,
            "GET " + refusing.url() + "/resource returned 403: token Bearer *** denied");
}

TEST(OAuth2TokenTest, TokenEndpointThatNeverAnswersIsBoundedByTheTaskTimeout) {
  absl::Notification release;
  LocalHttpServer silent([&release](const HttpServerRequest&) {
    release.WaitForNotificationWithTimeout(absl::Minutes(2));
    return HttpServerResponse{500, {}, ""};
  });
  absl::Cleanup unblock = [&release] { release.Notify(); };
  FakeControl control;
  const absl::Time start = absl::Now();
  ActivityResult result = RunHttpActivity(
      {{"task", "/do/0/fetch"},
       {"input", json::object()},
       {kRunKey, "wex-h/1"},
       {"timeout_ms", 300},
       {"with",
        {{"method", "get"},
         {"endpoint",
          {{"uri", silent.url() + "/resource"},
           {"authentication",
            {{"oauth2", {{"authority", silent.url()}, {"grant", "client_credentials"}}}}}}}}}},
      {}, control);
  EXPECT_LT(absl::Now() - start, absl::Seconds(30));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error.status, 408);
  EXPECT_EQ(result.error.title, "OAuth2 token request timed out");
  EXPECT_EQ(result.error.detail,
            "POST " + silent.url() + "/oauth2/token: no complete response within 300ms");
}

TEST(OAuth2TokenTest, GrantStigmerCannotRunIsAConfigurationError) {
  Provider provider;
  json policy = ClientCredentials(provider);
  policy["oauth2"]["grant"] = "authorization_code";
  ActivityResult result = Fetch(provider, policy, "wex-f/1");
  EXPECT_EQ(result.error.title, "Invalid authentication");
  EXPECT_EQ(result.error.detail,
            "the `authorization_code` grant is not supported: stigmer requests tokens with "
            "client_credentials or password");
  EXPECT_EQ(provider.TokenRequests(), 0);
}

}  // namespace
}  // namespace stigmer::activities

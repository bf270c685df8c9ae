// RunHttpActivity against a LocalHttpServer: the request it sends and the output or error it
// makes of the response (dsl-reference.md, HTTP Call, HTTP Response, URI Template).

#include "activities/http_activity.h"

#include <functional>
#include <string>
#include <utility>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/local_http_server.h"
#include "testing/test_env.h"

namespace stigmer::activities {
namespace {

using ::stigmer::testing::HttpServerRequest;
using ::stigmer::testing::HttpServerResponse;
using ::stigmer::testing::LocalHttpServer;
using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr char kErrors[] = "https://serverlessworkflow.io/spec/1.0.0/errors/";
constexpr char kTask[] = "/do/0/fetch";

class FakeControl : public ActivityControl {
 public:
  explicit FakeControl(std::function<bool()> keep_going = [] { return true; })
      : keep_going_(std::move(keep_going)) {}
  bool KeepGoing() override { return keep_going_(); }

 private:
  std::function<bool()> keep_going_;
};

ActivityResult Call(const json& with, const json& task_input = json::object(),
                    const ActivityLimits& limits = {}) {
  FakeControl control;
  return RunHttpActivity({{"task", kTask}, {"input", task_input}, {"with", with}}, limits, control);
}

HttpServerResponse Json(const json& value, int status = 200) {
  return {status, {{"Content-Type", "application/json"}}, value.dump()};
}

// Releases a stalled handler when the test ends, before the server joins its thread.
struct Release {
  absl::Notification& notification;
  ~Release() {
    if (!notification.HasBeenNotified()) notification.Notify();
  }
};

TEST(HttpActivityTest, GetReturnsTheParsedJsonContent) {
  LocalHttpServer server([](const HttpServerRequest&) {
    return Json({{"id", 1}, {"name", "milou"}});
  });
  ActivityResult result = Call({{"method", "get"}, {"endpoint", server.url() + "/v2/pet/1"}});
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output, json({{"id", 1}, {"name", "milou"}}));
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].method, "GET");
  EXPECT_EQ(server.requests()[0].path, "/v2/pet/1");
}

TEST(HttpActivityTest, PostSendsAnObjectBodyAsJson) {
  LocalHttpServer server([](const HttpServerRequest& request) {
    return HttpServerResponse{201, {{"Content-Type", "application/json"}}, request.body};
  });
  json body = {{"name", "Four Seasons"}, {"city", "Antwerp"}};
  ActivityResult result =
      Call({{"method", "POST"}, {"endpoint", {{"uri", server.url() + "/book"}}}, {"body", body}});
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output, body);
  EXPECT_EQ(server.requests()[0].headers.at("content-type"), "application/json");
}

TEST(HttpActivityTest, AStringBodyIsSentAsItIsAndTextComesBackAsAString) {
  LocalHttpServer server([](const HttpServerRequest& request) {
    return HttpServerResponse{200, {{"Content-Type", "text/plain"}}, "got " + request.body};
  });
  ActivityResult result =
      Call({{"method", "put"}, {"endpoint", server.url() + "/note"}, {"body", "hello"}});
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output, "got hello");
  EXPECT_EQ(server.requests()[0].method, "PUT");
  EXPECT_EQ(server.requests()[0].body, "hello");
  EXPECT_THAT(server.requests()[0].headers.at("content-type"), HasSubstr("text/plain"));
}

TEST(HttpActivityTest, ExpandsTheUriTemplateAndEncodesTheQuery) {
  LocalHttpServer server([](const HttpServerRequest&) { return Json(true); });
  ActivityResult result =
      Call({{"method", "get"},
            {"endpoint", server.url() + "/pets/{petId}/owners/{name}{missing}"},
            {"query", {{"q", "x&y=z é"}, {"tags", {"a", "b"}}, {"skipped", nullptr}}}},
           {{"petId", 42}, {"name", "a b/c"}});
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].path, "/pets/42/owners/a%20b%2Fc");
  EXPECT_EQ(server.requests()[0].query, "q=x%26y%3Dz%20%C3%A9&tags=a&tags=b");
}

TEST(HttpActivityTest, AnObjectInTheUriTemplateIsAnExpressionError) {
  ActivityResult result =
      Call({{"method", "get"}, {"endpoint", "http://127.0.0.1:1/{pet}"}}, {{"pet", {{"id", 1}}}});
  ASSERT_EQ(result.state, ActivityResult::State::kFailed);
  EXPECT_EQ(result.error.type, std::string(kErrors) + "expression");
  EXPECT_EQ(result.error.status, 400);
  EXPECT_THAT(result.error.detail, HasSubstr("{pet}"));
}

TEST(HttpActivityTest, SendsTheHeaders) {
  LocalHttpServer server([](const HttpServerRequest&) { return Json(nullptr); });
  ActivityResult result = Call({{"method", "delete"},
                                {"endpoint", server.url() + "/pet/1"},
                                {"headers", {{"X-Token", "abc"}, {"X-Count", 7}}}});
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(server.requests()[0].method, "DELETE");
  EXPECT_EQ(server.requests()[0].headers.at("x-token"), "abc");
  EXPECT_EQ(server.requests()[0].headers.at("x-count"), "7");
}

TEST(HttpActivityTest, OutputResponseDescribesRequestAndResponse) {
  LocalHttpServer server([](const HttpServerRequest&) {
    return HttpServerResponse{
        200, {{"Content-Type", "application/json"}, {"X-Trace", "t1"}}, R"({"ok":true})"};
  });
  ActivityResult result = Call({{"method", "get"},
                                {"endpoint", server.url() + "/status"},
                                {"headers", {{"Accept", "application/json"}}},
                                {"output", "response"}});
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output["request"], json({{"method", "GET"},
                                            {"uri", server.url() + "/status"},
                                            {"headers", {{"Accept", "application/json"}}}}));
  EXPECT_EQ(result.output["statusCode"], 200);
  EXPECT_EQ(result.output["headers"]["content-type"], "application/json");
  EXPECT_EQ(result.output["headers"]["x-trace"], "t1");
  EXPECT_EQ(result.output["content"], json({{"ok", true}}));
}

TEST(HttpActivityTest, OutputRawIsTheBodyInBase64) {
  LocalHttpServer server([](const HttpServerRequest&) {
    return HttpServerResponse{200, {{"Content-Type", "application/octet-stream"}}, "hello"};
  });
  ActivityResult result =
      Call({{"method", "get"}, {"endpoint", server.url() + "/blob"}, {"output", "raw"}});
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output, "aGVsbG8=");
}

TEST(HttpActivityTest, ContentThatIsNotUtf8ComesBackInBase64) {
  LocalHttpServer server([](const HttpServerRequest&) {
    return HttpServerResponse{200, {{"Content-Type", "application/octet-stream"}}, "\xff\xfe"};
  });
  ActivityResult result = Call({{"method", "get"}, {"endpoint", server.url() + "/blob"}});
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output, "//4=");
}

TEST(HttpActivityTest, FollowsRedirects) {
  LocalHttpServer server([](const HttpServerRequest& request) {
    if (request.path == "/old") return HttpServerResponse{302, {{"Location", "/new"}}, ""};
    return Json({{"at", request.path}});
  });
  ActivityResult result = Call({{"method", "get"}, {"endpoint", server.url() + "/old"}});
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output, json({{"at", "/new"}}));
}

TEST(HttpActivityTest, NotFoundIsACommunicationErrorWithTheStatus) {
  LocalHttpServer server([](const HttpServerRequest&) {
    return HttpServerResponse{404, {{"Content-Type", "text/plain"}}, "no such pet"};
  });
  const std::string url = server.url() + "/v2/pet/9";
  ActivityResult result = Call({{"method", "get"}, {"endpoint", url}});
  ASSERT_EQ(result.state, ActivityResult::State::kFailed);
  EXPECT_EQ(result.error.type, std::string(kErrors) + "communication");
  EXPECT_EQ(result.error.status, 404);
  EXPECT_EQ(result.error.instance, kTask);
  EXPECT_EQ(result.error.title, "GET " + url + " returned 404");
  EXPECT_EQ(result.error.detail, "GET " + url + " returned 404: no such pet");
}

TEST(HttpActivityTest, ARefusedConnectionIsACommunicationError) {
  const std::string url = "http://127.0.0.1:" + std::to_string(stigmer::testing::FreePort()) + "/";
  ActivityResult result = Call({{"method", "get"}, {"endpoint", url}});
  ASSERT_EQ(result.state, ActivityResult::State::kFailed);
  EXPECT_EQ(result.error.type, std::string(kErrors) + "communication");
  EXPECT_EQ(result.error.status, 500);
  EXPECT_THAT(result.error.detail, HasSubstr("GET " + url + ": "));
}

TEST(HttpActivityTest, ABodyOverTheLimitStopsTheTransfer) {
  LocalHttpServer server([](const HttpServerRequest&) {
    return HttpServerResponse{200, {}, std::string(200000, 'a')};
  });
  ActivityLimits limits;
  limits.max_output_bytes = 1000;
  ActivityResult result =
      Call({{"method", "get"}, {"endpoint", server.url() + "/big"}}, json::object(), limits);
  ASSERT_EQ(result.state, ActivityResult::State::kFailed);
  EXPECT_EQ(result.error.type, std::string(kErrors) + "runtime");
  EXPECT_THAT(result.error.detail, HasSubstr("/big exceeds 1000 bytes"));
  EXPECT_THAT(result.error.detail, HasSubstr("STIGMER_MAX_OUTPUT_BYTES"));
}

TEST(HttpActivityTest, NoResponseWithinTheTimeoutIsATimeoutError) {
  absl::Notification release;
  LocalHttpServer server([&release](const HttpServerRequest&) {
    release.WaitForNotification();
    return Json(nullptr);
  });
  Release release_at_end{release};
  ActivityLimits limits;
  limits.http_timeout = absl::Milliseconds(300);
  ActivityResult result =
      Call({{"method", "get"}, {"endpoint", server.url() + "/slow"}}, json::object(), limits);
  ASSERT_EQ(result.state, ActivityResult::State::kFailed);
  EXPECT_EQ(result.error.type, std::string(kErrors) + "timeout");
  EXPECT_EQ(result.error.status, 408);
  EXPECT_THAT(result.error.detail, HasSubstr("/slow: no complete response within 300ms"));
  EXPECT_THAT(result.error.detail, HasSubstr("STIGMER_HTTP_TIMEOUT_S"));
}

TEST(HttpActivityTest, TheTaskTimeoutReplacesTheHttpTimeout) {
  absl::Notification release;
  LocalHttpServer server([&release](const HttpServerRequest&) {
    release.WaitForNotification();
    return Json(nullptr);
  });
  Release release_at_end{release};
  FakeControl control;
  ActivityResult result =
      RunHttpActivity({{"task", kTask},
                       {"input", json::object()},
                       {"timeout_ms", 200},
                       {"with", {{"method", "get"}, {"endpoint", server.url() + "/slow"}}}},
                      ActivityLimits{}, control);
  ASSERT_EQ(result.state, ActivityResult::State::kFailed);
  EXPECT_EQ(result.error.status, 408);
  EXPECT_THAT(result.error.detail, HasSubstr("within 200ms (the task's timeout)"));
}

TEST(HttpActivityTest, CancellationAbortsAStalledCallPromptly) {
  absl::Notification release;
  LocalHttpServer server([&release](const HttpServerRequest&) {
    release.WaitForNotification();
    return Json(nullptr);
  });
  Release release_at_end{release};
  // Stop as soon as the server holds the request.
  FakeControl control([&server] { return server.requests().empty(); });
  const absl::Time start = absl::Now();
  ActivityResult result =
      RunHttpActivity({{"task", kTask},
                       {"input", json::object()},
                       {"with", {{"method", "get"}, {"endpoint", server.url() + "/stall"}}}},
                      ActivityLimits{}, control);
  EXPECT_EQ(result.state, ActivityResult::State::kCancelled);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

// endpoint.authentication used to fail every run with "not supported yet".
TEST(HttpActivityTest, BasicAndBearerAuthenticationSendTheAuthorizationHeader) {
  LocalHttpServer server([](const HttpServerRequest&) { return Json({{"ok", true}}); });
  const json basic = {{"basic", {{"username", "ada"}, {"password", "s3cr3t-pw"}}}};
  const json bearer = {{"bearer", {{"token", "tok-123456"}}}};
  for (const json& policy : {basic, bearer}) {
    ActivityResult result =
        Call({{"method", "get"},
              {"endpoint", {{"uri", server.url() + "/me"}, {"authentication", policy}}},
              {"output", "response"}});
    ASSERT_TRUE(result.ok()) << result.error.ToJson();
    // The header is not echoed into the task's output.
    EXPECT_FALSE(result.output["request"]["headers"].contains("Authorization")) << result.output;
    EXPECT_EQ(result.output.dump().find("tok-123456"), std::string::npos);
  }
  ASSERT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(server.requests()[0].headers["authorization"], "Basic YWRhOnMzY3IzdC1wdw==");
  EXPECT_EQ(server.requests()[1].headers["authorization"], "Bearer tok-123456");
}

TEST(HttpActivityTest, UnusableAuthenticationIsAConfigurationErrorWithoutItsValues) {
  for (const json& policy : {json({{"digest", {{"username", "ada"}, {"password", "s3cr3t-pw"}}}}),
                             json({{"basic", {{"username", "a:da"}, {"password", "s3cr3t-pw"}}}}),
                             json({{"bearer", {{"token", "s3cr3t-pw\r\nX-Evil: 1"}}}})}) {
    ActivityResult result =
        Call({{"method", "get"},
              {"endpoint", {{"uri", "http://127.0.0.1:1/"}, {"authentication", policy}}}});
    ASSERT_EQ(result.state, ActivityResult::State::kFailed) << policy;
    EXPECT_EQ(result.error.type, std::string(kErrors) + "configuration");
    EXPECT_EQ(result.error.ToJson().dump().find("s3cr3t"), std::string::npos)
        << result.error.ToJson();
  }
}

TEST(HttpActivityTest, MalformedCallsAreConfigurationErrors) {
  for (const json& with :
       {json({{"method", "fetch"}, {"endpoint", "http://127.0.0.1:1/"}}),
        json({{"endpoint", "http://127.0.0.1:1/"}}),
        json({{"method", "get"}, {"endpoint", "ftp://127.0.0.1/file"}}),
        json({{"method", "get"},
              {"endpoint",
               {{"uri", "http://127.0.0.1:1/"}, {"authentication", {{"use", "petStore"}}}}}}),
        json({{"method", "get"}, {"endpoint", "http://127.0.0.1:1/"}, {"output", "xml"}})}) {
    ActivityResult result = Call(with);
    ASSERT_EQ(result.state, ActivityResult::State::kFailed) << with;
    EXPECT_EQ(result.error.type, std::string(kErrors) + "configuration") << with;
    EXPECT_EQ(result.error.instance, kTask);
  }
}

}  // namespace
}  // namespace stigmer::activities

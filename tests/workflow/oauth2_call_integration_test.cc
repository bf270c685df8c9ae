// `oauth2` authentication of `call: http` on the real Temporal dev server: one token per run for
// two calls, and a run whose token endpoint fails beside it.

#include <string>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "testing/local_http_server.h"
#include "workflow/workflow_runner_suite.h"

namespace stigmer::workflow {
namespace {

using ::testing::HasSubstr;
using testing::HttpServerRequest;
using testing::HttpServerResponse;
using ::testing::Not;

std::string Body(const std::string& authority) {
  return absl::StrCat(R"(use:
  authentications:
    idp:
      oauth2:
        authority: )",
                      authority, R"(
        grant: client_credentials
        client: {id: app, secret: '${ $secrets.CLIENT_SECRET }'}
do:
  - first:
      call: http
      with: {method: get, endpoint: {uri: '${ .base + "/resource" }', authentication: idp}}
  - second:
      call: http
      with: {method: get, endpoint: {uri: '${ $workflow.input.base + "/resource" }',
             authentication: idp}}
)");
}

TEST_F(WorkflowRunnerTest, OAuth2TokenIsRequestedOncePerRunAndAFailingEndpointFailsOnlyItsRun) {
  testing::LocalHttpServer server([](const HttpServerRequest& request) {
    if (request.path == "/good/oauth2/token") {
      return HttpServerResponse{200, {}, R"({"access_token": "tok-run", "expires_in": 600})"};
    }
    if (request.path == "/bad/oauth2/token") return HttpServerResponse{500, {}, "down"};
    if (request.path == "/resource") {
      auto found = request.headers.find("authorization");
      return HttpServerResponse{200, {}, found == request.headers.end() ? "none" : found->second};
    }
    return HttpServerResponse{404, {}, ""};
  });
  const nlohmann::json runtime = {{"environment", nlohmann::json::object()},
                                  {"secrets", {{"CLIENT_SECRET", "cl1ent-s3cret"}}}};
  const nlohmann::json input = {{"base", server.url()}};
  const std::string good = Start("oauth2_good", Body(server.url() + "/good"), input, runtime);
  const std::string bad = Start("oauth2_bad", Body(server.url() + "/bad"), input, runtime);

  std::vector<durable::HistoryEvent> events = WaitClosed(good);
  // The resource got the token; the echo of it in the output (and so in history) is redacted.
  EXPECT_EQ(Output(events), "Bearer ***");
  int token_requests = 0;
  for (const HttpServerRequest& request : server.requests()) {
    token_requests += request.path == "/good/oauth2/token" ? 1 : 0;
    if (request.path == "/resource") {
      EXPECT_EQ(request.headers.at("authorization"), "Bearer tok-run");
    }
  }
  EXPECT_EQ(token_requests, 1);

  events = WaitClosed(bad);
  ASSERT_TRUE(events.back().has_workflow_execution_failed_event_attributes());
  auto problem = temporal::DecodeJsonPayloadAt(events.back()
                                                   .workflow_execution_failed_event_attributes()
                                                   .failure()
                                                   .application_failure_info()
                                                   .details());
  ASSERT_TRUE(problem.ok());
  EXPECT_EQ((*problem)["status"], 401);
  EXPECT_EQ((*problem)["title"], "OAuth2 token request failed");
  EXPECT_EQ((*problem)["detail"],
            absl::StrCat("POST ", server.url(), "/bad/oauth2/token returned 500"));
  EXPECT_EQ((*problem)["instance"], "/do/0/first");
  EXPECT_THAT(problem->dump(), Not(HasSubstr("cl1ent-s3cret")));
}

}  // namespace
}  // namespace stigmer::workflow

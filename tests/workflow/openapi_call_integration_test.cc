// `call: openapi` run by workflow-runner's handlers on the real Temporal dev server against a
// local petstore serving its own OpenAPI document: a good call beside an unknown operationId.

#include <string>

#include "gmock/gmock.h"
#include "testing/local_http_server.h"
#include "workflow/workflow_runner_suite.h"

namespace stigmer::workflow {
namespace {

using testing::HttpServerRequest;
using testing::HttpServerResponse;

constexpr char kPetstore[] = R"({"swagger": "2.0", "basePath": "/v2",
  "paths": {"/pet/findByStatus": {"get": {"operationId": "findPetsByStatus",
    "parameters": [{"name": "status", "in": "query", "required": true}]}}}})";

std::string Call(const std::string& url, const std::string& operation) {
  return absl::StrCat(R"(do:
  - find:
      call: openapi
      with:
        document: {endpoint: ')",
                      url, R"(/swagger.json'}
        operationId: )",
                      operation, R"(
        parameters: {status: '${ .status }'}
        authentication: {basic: {username: ada, password: '${ $secrets.PETSTORE }'}}
)");
}

TEST_F(WorkflowRunnerTest, OpenApiCallCompletesBesideAnUnknownOperation) {
  testing::LocalHttpServer server([](const HttpServerRequest& request) {
    if (request.path == "/swagger.json") return HttpServerResponse{200, {}, kPetstore};
    if (request.path == "/v2/pet/findByStatus" && request.headers.count("authorization")) {
      return HttpServerResponse{
          200, {}, nlohmann::json::array({{{"name", "Rex"}, {"query", request.query}}}).dump()};
    }
    return HttpServerResponse{404, {}, ""};
  });
  const nlohmann::json runtime = {{"environment", nlohmann::json::object()},
                                  {"secrets", {{"PETSTORE", "pw-secret"}}}};
  const std::string good = Start("openapi_good", Call(server.url(), "findPetsByStatus"),
                                 {{"status", "available"}}, runtime);
  const std::string bad =
      Start("openapi_bad", Call(server.url(), "deletePet"), {{"status", "x"}}, runtime);

  std::vector<durable::HistoryEvent> events = WaitClosed(good);
  EXPECT_EQ(Output(events),
            nlohmann::json::array({{{"name", "Rex"}, {"query", "status=available"}}}));

  events = WaitClosed(bad);
  ASSERT_TRUE(events.back().has_workflow_execution_failed_event_attributes());
  auto problem = temporal::DecodeJsonPayloadAt(events.back()
                                                   .workflow_execution_failed_event_attributes()
                                                   .failure()
                                                   .application_failure_info()
                                                   .details());
  ASSERT_TRUE(problem.ok());
  EXPECT_EQ((*problem)["title"], "Invalid OpenAPI call");
  EXPECT_EQ((*problem)["detail"], absl::StrCat("no operation with operationId \"deletePet\" in ",
                                               server.url(), "/swagger.json"));
  EXPECT_EQ((*problem)["instance"], "/do/0/find");
}

}  // namespace
}  // namespace stigmer::workflow

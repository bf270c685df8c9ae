// RunOpenApiActivity against a local petstore that serves its own OpenAPI document.

#include "workflow/openapi_activity.h"

#include <fstream>
#include <string>

#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/local_http_server.h"
#include "testing/test_env.h"

namespace stigmer::workflow {
namespace {

using ::stigmer::testing::HttpServerRequest;
using ::stigmer::testing::HttpServerResponse;
using ::stigmer::testing::LocalHttpServer;
using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr char kPetstore[] = R"(openapi: 3.0.3
info: {title: petstore, version: '1'}
servers: [{url: /api}]
paths:
  /pets/{petId}:
    get:
      operationId: getPet
      parameters:
        - {name: petId, in: path, required: true}
        - {name: verbose, in: query}
        - {name: X-Request-Id, in: header}
  /pets:
    post:
      operationId: addPet
      requestBody: {required: true, content: {application/json: {}}}
)";

class FakeControl : public activities::ActivityControl {
 public:
  bool KeepGoing() override { return true; }
};

HttpServerResponse Petstore(const HttpServerRequest& request) {
  if (request.path == "/openapi.yaml")
    return {200, {{"Content-Type", "application/yaml"}}, kPetstore};
  if (request.path == "/garbage.yaml") return {200, {}, "openapi: [unclosed"};
  if (request.path == "/api/pets/999") return {404, {}, "no such pet"};
  if (request.path == "/api/pets/huge") return {200, {}, std::string(5000, 'x')};
  if (request.path.rfind("/api/pets/", 0) == 0) {
    const auto id = request.headers.find("x-request-id");
    return {
        200,
        {{"Content-Type", "application/json"}},
        json({{"id", request.path.substr(10)},
              {"query", request.query},
              {"requestId", id == request.headers.end() ? "" : id->second},
              {"authorization",
               request.headers.count("authorization") ? request.headers.at("authorization") : ""}})
            .dump()};
  }
  if (request.path == "/api/pets" && request.method == "POST") {
    return {201, {{"Content-Type", "application/json"}}, request.body};
  }
  return {404, {}, ""};
}

activities::ActivityResult CallOperation(const json& with,
                                         const activities::ActivityLimits& limits = {}) {
  FakeControl control;
  return RunOpenApiActivity({{"task", "/do/0/pet"}, {"input", json::object()}, {"with", with}},
                            limits, control);
}

TEST(OpenApiActivityTest, CallsTheOperationTheServedDocumentDescribes) {
  LocalHttpServer server(Petstore);
  activities::ActivityResult result =
      CallOperation({{"document", {{"endpoint", server.url() + "/openapi.yaml"}}},
                     {"operationId", "getPet"},
                     {"parameters", {{"petId", 7}, {"verbose", true}, {"X-Request-Id", "r1"}}},
                     {"authentication", {{"bearer", {{"token", "t0k"}}}}}});
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output, json({{"id", "7"},
                                 {"query", "verbose=true"},
                                 {"requestId", "r1"},
                                 {"authorization", "Bearer t0k"}}));
  result = CallOperation({{"document", {{"endpoint", {{"uri", server.url() + "/openapi.yaml"}}}}},
                          {"operationId", "addPet"},
                          {"parameters", {{"name", "Rex"}}},
                          {"output", "response"}});
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output["statusCode"], 201);
  EXPECT_EQ(result.output["content"], json({{"name", "Rex"}}));
}

TEST(OpenApiActivityTest, LocalDocumentFileNeedsAnAbsoluteServerUrl) {
  LocalHttpServer server(Petstore);
  testing::TempDir folder;
  const std::string path = (folder.path() / "openapi.yaml").string();
  std::string text = kPetstore;
  text.replace(text.find("/api"), 4, server.url() + "/api");
  std::ofstream(path) << text;
  activities::ActivityResult result = CallOperation({{"document", {{"endpoint", "file://" + path}}},
                                                     {"operationId", "getPet"},
                                                     {"parameters", {{"petId", 1}}}});
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output["id"], "1");
}

TEST(OpenApiActivityTest, BadDocumentsAndOperationsAreConfigurationErrorsBesideAGoodCall) {
  LocalHttpServer server(Petstore);
  activities::ActivityResult result = CallOperation(
      {{"document", {{"endpoint", server.url() + "/garbage.yaml"}}}, {"operationId", "getPet"}});
  EXPECT_EQ(result.error.title, "Invalid OpenAPI call");
  EXPECT_THAT(result.error.detail,
              HasSubstr("the OpenAPI document " + server.url() + "/garbage.yaml does not parse: "));
  result = CallOperation(
      {{"document", {{"endpoint", server.url() + "/openapi.yaml"}}}, {"operationId", "deletePet"}});
  EXPECT_EQ(result.error.detail,
            "no operation with operationId \"deletePet\" in " + server.url() + "/openapi.yaml");
  result = CallOperation(
      {{"document", {{"endpoint", server.url() + "/missing.yaml"}}}, {"operationId", "getPet"}});
  EXPECT_EQ(result.error.title, "OpenAPI document unavailable");
  EXPECT_EQ(result.error.detail, "GET " + server.url() + "/missing.yaml: status 404");
  // The same server still serves a good call.
  EXPECT_TRUE(CallOperation({{"document", {{"endpoint", server.url() + "/openapi.yaml"}}},
                             {"operationId", "getPet"},
                             {"parameters", {{"petId", 2}}}})
                  .ok());
}

TEST(OpenApiActivityTest, ErrorStatusAndHugeResponseAreTheHttpCallsErrors) {
  LocalHttpServer server(Petstore);
  const json document = {{"endpoint", server.url() + "/openapi.yaml"}};
  activities::ActivityResult result = CallOperation(
      {{"document", document}, {"operationId", "getPet"}, {"parameters", {{"petId", 999}}}});
  EXPECT_EQ(result.error.status, 404);
  EXPECT_EQ(result.error.title, "GET " + server.url() + "/api/pets/999 returned 404");
  activities::ActivityLimits limits;
  limits.max_output_bytes = 4000;  // the document fits, the pet does not
  result = CallOperation(
      {{"document", document}, {"operationId", "getPet"}, {"parameters", {{"petId", "huge"}}}},
      limits);
  EXPECT_EQ(result.error.title, "Response too large");
}

TEST(OpenApiActivityTest, OperationThatNeverAnswersTimesOut) {
  absl::Notification release;
  LocalHttpServer server([&](const HttpServerRequest& request) {
    if (request.path == "/openapi.yaml") return Petstore(request);
    release.WaitForNotificationWithTimeout(absl::Seconds(30));
    return HttpServerResponse{200, {}, "late"};
  });
  activities::ActivityLimits limits;
  limits.http_timeout = absl::Seconds(1);
  activities::ActivityResult result =
      CallOperation({{"document", {{"endpoint", server.url() + "/openapi.yaml"}}},
                     {"operationId", "getPet"},
                     {"parameters", {{"petId", 1}}}},
                    limits);
  release.Notify();
  EXPECT_EQ(result.error.title, "HTTP call timed out");
}

}  // namespace
}  // namespace stigmer::workflow

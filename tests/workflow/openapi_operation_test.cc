// OpenApiHttpCall: where each parameter of an OpenAPI 3 or Swagger 2 operation goes.

#include "workflow/openapi_operation.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stigmer::workflow {
namespace {

using json = nlohmann::json;

const json kOpenApi3 = json::parse(R"({
  "openapi": "3.0.3",
  "servers": [{"url": "/{version}", "variables": {"version": {"default": "v2"}}}],
  "components": {"parameters": {
    "Trace": {"name": "X-Trace", "in": "header"},
    "Limit": {"$ref": "#/components/parameters/RealLimit"},
    "RealLimit": {"name": "limit", "in": "query"}}},
  "paths": {
    "/pets/{petId}": {
      "parameters": [{"name": "petId", "in": "path", "required": true}],
      "get": {"operationId": "getPet",
              "parameters": [{"$ref": "#/components/parameters/Trace"},
                             {"$ref": "#/components/parameters/Limit"},
                             {"name": "session", "in": "cookie"},
                             {"name": "tags", "in": "query"}]},
      "put": {"operationId": "updatePet",
              "requestBody": {"required": true,
                              "content": {"application/json": {}}}}
    },
    "/pets": {
      "post": {"operationId": "addPet",
               "requestBody": {"content": {"application/xml": {}}}}
    }
  }
})");

TEST(OpenApiOperationTest, ParametersGoWhereTheOperationDeclaresThem) {
  absl::StatusOr<json> with = OpenApiHttpCall(
      kOpenApi3, "http://127.0.0.1:8080/openapi.json", "getPet",
      {{"petId", "a b"}, {"X-Trace", 7}, {"limit", 3}, {"session", "s1"}, {"tags", {"x", "y"}}});
  ASSERT_TRUE(with.ok()) << with.status();
  EXPECT_EQ((*with)["method"], "GET");
  EXPECT_EQ((*with)["endpoint"]["uri"], "http://127.0.0.1:8080/v2/pets/a%20b");
  EXPECT_EQ((*with)["query"], json({{"limit", 3}, {"tags", {"x", "y"}}}));
  EXPECT_EQ((*with)["headers"], json({{"X-Trace", "7"}, {"Cookie", "session=s1"}}));
  EXPECT_FALSE(with->contains("body"));
}

TEST(OpenApiOperationTest, UndeclaredParametersFormTheRequestBody) {
  absl::StatusOr<json> with = OpenApiHttpCall(kOpenApi3, "http://h:1/doc.yaml", "updatePet",
                                              {{"petId", 4}, {"name", "Rex"}, {"age", 3}});
  ASSERT_TRUE(with.ok()) << with.status();
  EXPECT_EQ((*with)["method"], "PUT");
  EXPECT_EQ((*with)["endpoint"]["uri"], "http://h:1/v2/pets/4");
  EXPECT_EQ((*with)["body"], json({{"name", "Rex"}, {"age", 3}}));
  EXPECT_EQ((*with)["headers"]["Content-Type"], "application/json");
  // `body` names the whole body; the content type is the operation's.
  with = OpenApiHttpCall(kOpenApi3, "http://h:1/doc.yaml", "addPet", {{"body", "<pet/>"}});
  ASSERT_TRUE(with.ok()) << with.status();
  EXPECT_EQ((*with)["body"], "<pet/>");
  EXPECT_EQ((*with)["headers"]["Content-Type"], "application/xml");
}

TEST(OpenApiOperationTest, MissingParametersAndUnknownOperationsAreNamed) {
  EXPECT_EQ(OpenApiHttpCall(kOpenApi3, "http://h/d", "getPet", json::object()).status().message(),
            "the operation getPet needs the path parameter \"petId\"");
  EXPECT_EQ(
      OpenApiHttpCall(kOpenApi3, "http://h/d", "updatePet", {{"petId", 1}}).status().message(),
      "the operation updatePet needs a request body: give `body`");
  EXPECT_EQ(
      OpenApiHttpCall(kOpenApi3, "http://h/d", "deletePet", json::object()).status().message(),
      "no operation with operationId \"deletePet\" in http://h/d");
  EXPECT_EQ(
      OpenApiHttpCall({{"info", {}}}, "file:///x.json", "a", json::object()).status().message(),
      "file:///x.json is not an OpenAPI document (no `openapi` or `swagger` version)");
  EXPECT_EQ(OpenApiHttpCall(kOpenApi3, "file:///srv/openapi.json", "getPet", {{"petId", 1}})
                .status()
                .message(),
            "the document's server URL \"/v2\" is relative and the document is not fetched over "
            "http: give an absolute servers[0].url in it");
}

TEST(OpenApiOperationTest, Swagger2UsesHostBasePathBodyAndFormData) {
  const json swagger = json::parse(R"({
    "swagger": "2.0", "host": "127.0.0.1:9000", "basePath": "/v2", "schemes": ["http"],
    "paths": {
      "/pet": {"post": {"operationId": "addPet", "consumes": ["application/json"],
               "parameters": [{"name": "pet", "in": "body", "required": true}]}},
      "/pet/{petId}": {"post": {"operationId": "updatePetWithForm",
               "parameters": [{"name": "petId", "in": "path", "required": true},
                              {"name": "status", "in": "formData"}]}},
      "/pet/findByStatus": {"get": {"operationId": "findPetsByStatus",
               "parameters": [{"name": "status", "in": "query", "required": true}]}}
    }})");
  absl::StatusOr<json> with =
      OpenApiHttpCall(swagger, "https://elsewhere/swagger.json", "addPet", {{"pet", {{"id", 1}}}});
  ASSERT_TRUE(with.ok()) << with.status();
  EXPECT_EQ((*with)["endpoint"]["uri"], "http://127.0.0.1:9000/v2/pet");
  EXPECT_EQ((*with)["body"], json({{"id", 1}}));
  with = OpenApiHttpCall(swagger, "x", "updatePetWithForm", {{"petId", 5}, {"status", "sold"}});
  ASSERT_TRUE(with.ok()) << with.status();
  EXPECT_EQ((*with)["body"], json({{"status", "sold"}}));
  EXPECT_EQ((*with)["headers"]["Content-Type"], "application/x-www-form-urlencoded");
  EXPECT_EQ(OpenApiHttpCall(swagger, "x", "findPetsByStatus", json::object()).status().message(),
            "the operation findPetsByStatus needs the query parameter \"status\"");
}

TEST(OpenApiOperationTest, DanglingOrCyclicRefIsRefusedNotFollowedForever) {
  json document = kOpenApi3;
  document["components"]["parameters"]["RealLimit"] = {{"$ref", "#/components/parameters/Limit"}};
  EXPECT_EQ(OpenApiHttpCall(document, "http://h/d", "getPet", {{"petId", 1}}).status().message(),
            "a $ref chain is longer than 16 hops (a cycle?)");
  document["components"]["parameters"]["RealLimit"] = {{"$ref", "#/components/nothing"}};
  EXPECT_EQ(OpenApiHttpCall(document, "http://h/d", "getPet", {{"petId", 1}}).status().message(),
            "$ref #/components/nothing points at nothing in the document");
}

}  // namespace
}  // namespace stigmer::workflow

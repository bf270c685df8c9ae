// Validation of `call: openapi` at apply.

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workflow/dsl_test_documents.h"
#include "workflow/workflow_document.h"

namespace stigmer::workflow {
namespace {

using ::stigmer::workflow::testing::ProblemsOf;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<ValidationProblem> Problems(const std::string& with) {
  return ProblemsOf(
      "document: {dsl: '1.0.0', namespace: test, name: calls, version: '0.1.0'}\n"
      "use:\n  authentications:\n    petstore: {basic: {username: u, password: p}}\n"
      "do:\n  - pet:\n      call: openapi\n      with:\n" +
      with);
}

MATCHER_P2(P, pointer, message, "") { return arg.pointer == pointer && arg.message == message; }

TEST(OpenApiCallValidationTest, SpecShapedCallIsAccepted) {
  EXPECT_THAT(Problems("        document: {endpoint: 'https://petstore.example/v2/swagger.json'}\n"
                       "        operationId: findPetsByStatus\n"
                       "        parameters: {status: available}\n"
                       "        authentication: petstore\n        output: response\n"
                       "        redirect: true\n"),
              IsEmpty());
  EXPECT_THAT(Problems("        document: {endpoint: {uri: 'file:///srv/openapi.yaml'}}\n"
                       "        operationId: getPet\n        parameters: '${ .query }'\n"),
              IsEmpty());
}

TEST(OpenApiCallValidationTest, MalformedCallsAreNamed) {
  EXPECT_THAT(Problems("        parameters: [1]\n        output: json\n"),
              ElementsAre(P("/do/0/pet/with", "missing required property \"document\""),
                          P("/do/0/pet/with", "missing required property \"operationId\""),
                          P("/do/0/pet/with/parameters",
                            "must be an object (a mapping) or a runtime expression"),
                          P("/do/0/pet/with/output", "must be content, response or raw")));
  EXPECT_THAT(
      Problems("        document: {endpoint: 'ftp://x/openapi.yaml'}\n        operationId: x\n"
               "        authentication: nope\n"),
      ElementsAre(P("/do/0/pet/with/document/endpoint",
                    "the document `ftp://x/openapi.yaml` must be an http(s) URL or a file "
                    "path (file:///path/to/openapi.yaml, or relative to the applied file)"),
                  P("/do/0/pet/with/authentication",
                    "no authentication named \"nope\" in use.authentications")));
}

}  // namespace
}  // namespace stigmer::workflow

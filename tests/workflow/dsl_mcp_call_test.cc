// Validation of `call: mcp` at apply.

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
      "do:\n  - ask:\n      call: mcp\n      with:\n" +
      with);
}

MATCHER_P2(P, pointer, message, "") { return arg.pointer == pointer && arg.message == message; }

TEST(McpCallValidationTest, SpecShapedCallIsAccepted) {
  EXPECT_THAT(Problems("        method: tools/call\n"
                       "        parameters: {name: echo, arguments: {message: hi}}\n"
                       "        timeout: {seconds: 30}\n"
                       "        transport:\n          stdio:\n            command: npx\n"
                       "            arguments: [server, --transport, stdio]\n"
                       "            environment: {TOKEN: '${ $secrets.TOKEN }'}\n"),
              IsEmpty());
}

TEST(McpCallValidationTest, UnknownMethodAndHttpTransportAreRefused) {
  EXPECT_THAT(
      Problems("        method: tools/delete\n        transport: {http: {endpoint: x}}\n"),
      ElementsAre(P("/do/0/ask/with/method",
                    "unknown MCP method \"tools/delete\" (expected tools/list, tools/call, "
                    "prompts/list, prompts/get, resources/list, resources/read or "
                    "resources/templates/list)"),
                  P("/do/0/ask/with/transport/http",
                    "the MCP http transport is not supported by stigmer yet: run the server "
                    "with transport.stdio")));
  EXPECT_THAT(
      Problems("        method: tools/list\n        transport: {stdio: {arguments: 3}}\n"),
      ElementsAre(P("/do/0/ask/with/transport/stdio", "missing required property \"command\""),
                  P("/do/0/ask/with/transport/stdio/arguments", "must be a list")));
}

}  // namespace
}  // namespace stigmer::workflow

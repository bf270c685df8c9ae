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

TEST(McpCallValidationTest, SpecShapedHttpTransportIsAccepted) {
  EXPECT_THAT(Problems("        method: tools/list\n"
                       "        transport:\n          http:\n"
                       "            endpoint: https://mcp.example.com/mcp\n"
                       "            headers: {authorization: '${ \"Bearer \" + $secrets.T }'}\n"),
              IsEmpty());
  EXPECT_THAT(
      Problems("        method: tools/list\n"
               "        transport: {http: {endpoint: {uri: 'http://127.0.0.1:3001/mcp'}}}\n"),
      IsEmpty());
}

TEST(McpCallValidationTest, UnknownMethodAndBadTransportsAreRefused) {
  EXPECT_THAT(Problems("        method: tools/delete\n        transport: {http: {endpoint: x}}\n"),
              ElementsAre(P("/do/0/ask/with/method",
                            "unknown MCP method \"tools/delete\" (expected tools/list, tools/call, "
                            "prompts/list, prompts/get, resources/list, resources/read or "
                            "resources/templates/list)"),
                          P("/do/0/ask/with/transport/http/endpoint",
                            "must be an http:// or https:// URL")));
  EXPECT_THAT(
      Problems("        method: tools/list\n        transport: {stdio: {arguments: 3}}\n"),
      ElementsAre(P("/do/0/ask/with/transport/stdio", "missing required property \"command\""),
                  P("/do/0/ask/with/transport/stdio/arguments", "must be a list")));
  EXPECT_THAT(Problems("        method: tools/list\n"
                       "        transport: {http: {endpoint: {uri: 'https://m/mcp',"
                       " authentication: {bearer: {token: t}}}, headers: {x: 1}}}\n"),
              ElementsAre(P("/do/0/ask/with/transport/http/endpoint/authentication",
                            "authentication of an MCP server is not supported: send the header "
                            "in transport.http.headers (e.g. authorization: ${ \"Bearer \" + "
                            "$secrets.TOKEN })"),
                          P("/do/0/ask/with/transport/http/headers/x", "must be a string")));
  EXPECT_THAT(
      Problems("        method: tools/list\n"
               "        transport: {http: {endpoint: 'https://m'}, stdio: {command: c}}\n"),
      ElementsAre(P("/do/0/ask/with/transport", "give either `http` or `stdio`, not both")));
}

}  // namespace
}  // namespace stigmer::workflow

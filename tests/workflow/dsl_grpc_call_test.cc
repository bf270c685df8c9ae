// Validation of `call: grpc` and of the `call: asyncapi` refusal, at apply.

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
      "use:\n  authentications:\n    token: {bearer: {token: '${ $secrets.TOKEN }'}}\n"
      "do:\n  - greet:\n      call: grpc\n      with:\n" +
      with);
}

MATCHER_P2(P, pointer, message, "") { return arg.pointer == pointer && arg.message == message; }

constexpr char kGood[] =
    "        proto: {endpoint: 'file:///srv/greeter.proto'}\n"
    "        service: {name: greet.Greeter, host: localhost, port: 5011}\n"
    "        method: SayHello\n";

TEST(GrpcCallValidationTest, SpecShapedCallIsAccepted) {
  EXPECT_THAT(Problems(std::string(kGood) + "        arguments: {name: '${ .user }'}\n"),
              IsEmpty());
  EXPECT_THAT(Problems("        proto: {endpoint: {uri: /srv/greeter.proto}}\n"
                       "        service: {name: Greeter, host: localhost, authentication: token}\n"
                       "        method: SayHello\n        arguments: '${ .request }'\n"),
              IsEmpty());
}

TEST(GrpcCallValidationTest, MissingMembersAreNamed) {
  EXPECT_THAT(Problems("        arguments: {}\n"),
              ElementsAre(P("/do/0/greet/with", "missing required property \"proto\""),
                          P("/do/0/greet/with", "missing required property \"service\""),
                          P("/do/0/greet/with", "missing required property \"method\"")));
  EXPECT_THAT(
      Problems("        proto: {endpoint: 'file:///g.proto'}\n"
               "        service: {name: Greeter, port: 70000}\n        method: M\n"),
      ElementsAre(P("/do/0/greet/with/service", "missing required property \"host\""),
                  P("/do/0/greet/with/service/port", "must be a port number (1 to 65535)")));
}

TEST(GrpcCallValidationTest, NetworkProtoIsRefusedAtApplyARelativeOneAccepted) {
  EXPECT_THAT(
      Problems("        proto: {endpoint: 'https://example.com/g.proto'}\n"
               "        service: {name: Greeter, host: localhost}\n        method: M\n"),
      ElementsAre(P("/do/0/greet/with/proto/endpoint",
                    "the proto `https://example.com/g.proto` is not a local file: workflow-runner "
                    "reads .proto files from this machine only (file:///path/to/service.proto)")));
  EXPECT_THAT(Problems("        proto: {endpoint: 'file://app/greet.proto'}\n"
                       "        service: {name: Greeter, host: localhost}\n        method: M\n"),
              IsEmpty());
}

TEST(GrpcCallValidationTest, UnknownAuthenticationNameAndArgumentsTypeAreRefused) {
  EXPECT_THAT(Problems("        proto: {endpoint: /g.proto}\n"
                       "        service: {name: G, host: h, authentication: nope}\n"
                       "        method: M\n        arguments: [1]\n"),
              ElementsAre(P("/do/0/greet/with/service/authentication",
                            "no authentication named \"nope\" in use.authentications"),
                          P("/do/0/greet/with/arguments",
                            "must be an object (a mapping) or a runtime expression")));
}

TEST(AsyncApiCallValidationTest, RefusalSaysWhy) {
  EXPECT_THAT(ProblemsOf("document: {dsl: '1.0.0', namespace: test, name: a, version: '0.1.0'}\n"
                         "do:\n  - x:\n      call: asyncapi\n      with: {}\n"),
              ElementsAre(P("/do/0/x/call",
                            "\"call: asyncapi\" is not supported: it publishes to and subscribes "
                            "on a message broker (Kafka, MQTT, AMQP...) and stigmer runs none on "
                            "this machine; call an HTTP endpoint with `call: http` instead")));
}

}  // namespace
}  // namespace stigmer::workflow

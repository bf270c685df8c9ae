// `call: grpc`, `call: openapi` and `call: mcp` through the real daemon against real local servers
// the test starts; `call: asyncapi` refused at apply saying why.

#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/grpc_greeter.h"
#include "testing/local_http_server.h"
#include "testing/stigmer_home.h"

namespace stigmer::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPetstore[] = R"({"openapi": "3.0.3", "servers": [{"url": "/api"}],
  "paths": {"/pets/{petId}": {"get": {"operationId": "getPet",
    "parameters": [{"name": "petId", "in": "path", "required": true}]}}}})";

std::string Workflow(const std::string& name, const std::string& proto, int grpc_port,
                     const std::string& method, const std::string& petstore) {
  return absl::StrCat("document: {dsl: '1.0.0', namespace: test, name: ", name,
                      R"(, version: '1.0.0'}
use:
  secrets: [TOKEN]
do:
  - greet:
      call: grpc
      with:
        proto: {endpoint: 'file://)",
                      proto, R"('}
        service:
          name: greet.Greeter
          host: 127.0.0.1
          port: )",
                      grpc_port, R"(
          authentication: {bearer: {token: '${ $secrets.TOKEN }'}}
        method: )",
                      method, R"(
        arguments: {name: whoami}
      export:
        as: '${ {greeting: .message} }'
  - pet:
      call: openapi
      with:
        document: {endpoint: ')",
                      petstore, R"(/openapi.json'}
        operationId: getPet
        parameters: {petId: 7}
      export:
        as: '${ $context + {pet: .} }'
  - echo:
      call: mcp
      with:
        method: tools/call
        parameters: {name: echo, arguments: {message: mcp says hi}}
        transport: {stdio: {command: ')",
                      (SourceDir() / ".cache/mcp/node_modules/.bin/mcp-server-everything").string(),
                      R"(', arguments: [stdio]}}
      output:
        as: '${ $context + {echo: .content[0].text} }'
)");
}

TEST(Calls, GrpcOpenApiAndMcpCallsCompleteAndAFailingOneFailsAlone) {
  StigmerHome home;
  GrpcGreeter greeter;
  LocalHttpServer petstore([](const HttpServerRequest& request) {
    if (request.path == "/openapi.json") return HttpServerResponse{200, {}, kPetstore};
    if (request.path == "/api/pets/7") return HttpServerResponse{200, {}, R"({"name": "Rex"})"};
    return HttpServerResponse{404, {}, ""};
  });
  const std::filesystem::path proto = home.paths().home() / "greeter.proto";
  ASSERT_TRUE(WriteFileAtomically(proto, kGreeterProto).ok());
  const std::filesystem::path good = home.paths().home() / "good.yaml";
  const std::filesystem::path bad = home.paths().home() / "bad.yaml";
  ASSERT_TRUE(WriteFileAtomically(good, Workflow("calls", proto.string(), greeter.port(),
                                                 "SayHello", petstore.url()))
                  .ok());
  ASSERT_TRUE(WriteFileAtomically(bad, Workflow("failing-calls", proto.string(), greeter.port(),
                                                "Fail", petstore.url()))
                  .ok());
  CommandResult apply = home.Run({"apply", "-f", good.string(), "-f", bad.string()});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;

  CommandResult failed = home.Run({"run", "failing-calls", "--secret", "TOKEN=tok-e2e-secret"});
  EXPECT_EQ(failed.exit_code, 1) << failed.out << failed.err;
  EXPECT_THAT(failed.err, HasSubstr("/greet.Greeter/Fail returned NOT_FOUND"));
  EXPECT_THAT(failed.out + failed.err, Not(HasSubstr("tok-e2e-secret")));

  CommandResult run = home.Run({"run", "calls", "--secret", "TOKEN=tok-e2e-secret", "-o", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr(R"("name": "Rex")"));
  EXPECT_THAT(run.out, HasSubstr("mcp says hi"));
  // The greeter echoed the bearer token; the output shows it redacted.
  EXPECT_THAT(run.out, HasSubstr("Bearer ***"));
  EXPECT_THAT(run.out, Not(HasSubstr("tok-e2e-secret")));
}

TEST(Calls, AsyncApiIsRefusedAtApplySayingWhy) {
  StigmerHome home;
  const std::filesystem::path file = home.paths().home() / "async.yaml";
  ASSERT_TRUE(WriteFileAtomically(file,
                                  "document: {dsl: '1.0.0', namespace: t, name: async, version: "
                                  "'1.0.0'}\ndo:\n  - publish:\n      call: asyncapi\n"
                                  "      with: {}\n")
                  .ok());
  CommandResult apply = home.Run({"apply", "-f", file.string()});
  EXPECT_EQ(apply.exit_code, 1);
  EXPECT_THAT(apply.err, HasSubstr("/do/0/publish/call: \"call: asyncapi\" is not supported: it "
                                   "publishes to and subscribes on a message broker"));
}

}  // namespace
}  // namespace stigmer::testing

// `call: grpc` run by workflow-runner's handlers on the real Temporal dev server against a real
// gRPC server: a good call and a failing one at the same time, the secret token never shown in the
// error.

#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "testing/grpc_greeter.h"
#include "workflow/workflow_runner_suite.h"

namespace stigmer::workflow {
namespace {

using ::testing::HasSubstr;

std::string Call(const std::string& proto, int port, const std::string& method,
                 const std::string& arguments) {
  return absl::StrCat(R"(use:
  authentications:
    greeter: {bearer: {token: '${ $secrets.GREETER_TOKEN }'}}
do:
  - greet:
      call: grpc
      with:
        proto: {endpoint: 'file://)",
                      proto, R"('}
        service: {name: greet.Greeter, host: 127.0.0.1, port: )",
                      port, R"(, authentication: greeter}
        method: )",
                      method, "\n        arguments: ", arguments, "\n");
}

TEST_F(WorkflowRunnerTest, GrpcCallCompletesBesideAFailingOne) {
  testing::GrpcGreeter greeter;
  testing::TempDir folder;
  const std::string proto = (folder.path() / "greeter.proto").string();
  std::ofstream(proto) << testing::kGreeterProto;
  const nlohmann::json runtime = {{"environment", nlohmann::json::object()},
                                  {"secrets", {{"GREETER_TOKEN", "tok-123"}}}};

  const std::string good =
      Start("grpc_good", Call(proto, greeter.port(), "SayHello", "{name: '${ .user }'}"),
            {{"user", "Ada"}}, runtime);
  const std::string bad =
      Start("grpc_bad", Call(proto, greeter.port(), "Fail", "{name: whoami}"), {}, runtime);
  std::vector<durable::HistoryEvent> events = WaitClosed(good);
  EXPECT_EQ(Output(events), nlohmann::json({{"message", "Hello, Ada"}}));
  EXPECT_EQ(Count(events, EventType::EVENT_TYPE_ACTIVITY_TASK_COMPLETED), 1);

  events = WaitClosed(bad);
  ASSERT_TRUE(events.back().has_workflow_execution_failed_event_attributes());
  auto problem = temporal::DecodeJsonPayloadAt(events.back()
                                                   .workflow_execution_failed_event_attributes()
                                                   .failure()
                                                   .application_failure_info()
                                                   .details());
  ASSERT_TRUE(problem.ok());
  EXPECT_EQ((*problem)["status"], 404);
  EXPECT_EQ((*problem)["title"], "/greet.Greeter/Fail returned NOT_FOUND");
  EXPECT_EQ((*problem)["instance"], "/do/0/greet");
  // The server echoed the token it received; the error holds it redacted.
  EXPECT_THAT((*problem)["detail"].get<std::string>(), HasSubstr("no greeting for Bearer ***"));
  EXPECT_THAT(problem->dump(), ::testing::Not(HasSubstr("tok-123")));
}

}  // namespace
}  // namespace stigmer::workflow

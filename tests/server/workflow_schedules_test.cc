// A workflow with a schedule needs Temporal: without it, apply stores nothing and says why, and
// a workflow without one is applied as before.

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/stigmer_server.h"
#include "server_calls.h"
#include "stigmer/v1/workflow.grpc.pb.h"
#include "testing/test_env.h"

namespace stigmer::server {
namespace {

using ::testing::HasSubstr;

std::string Document(const std::string& name, const std::string& extra) {
  return absl::StrCat("document: {dsl: '1.0.0', namespace: t, name: ", name,
                      ", version: '1.0.0'}\n", extra, "do:\n  - a:\n      set: {a: 1}\n");
}

grpc::Status Apply(stigmer::v1::WorkflowService::Stub& stub, const std::string& definition) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
  stigmer::v1::ApplyWorkflowRequest request;
  request.set_definition(definition);
  stigmer::v1::ApplyWorkflowResponse response;
  return stub.Apply(&context, request, &response);
}

TEST(WorkflowSchedulesTest, ScheduledWorkflowIsNotStoredWhileTemporalIsDown) {
  ServerOptions options;
  options.port = 0;
  options.temporal_address = absl::StrCat("127.0.0.1:", stigmer::testing::FreePort());
  options.api_token = stigmer::testing::kTestApiToken;
  absl::StatusOr<std::unique_ptr<StigmerServer>> server = StigmerServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub =
      stigmer::v1::WorkflowService::NewStub(stigmer::testing::LocalChannel((*server)->port()));

  grpc::Status refused = Apply(*stub, Document("ticker", "schedule:\n  every: PT1M\n"));
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(refused.error_message(), HasSubstr("Temporal is down ("));
  EXPECT_THAT(refused.error_message(),
              HasSubstr("a workflow's schedule lives in Temporal, so nothing was changed. Start "
                        "it with `stigmer server` and try again"));
  grpc::ClientContext context;
  stigmer::v1::GetWorkflowRequest get;
  get.set_name("ticker");
  stigmer::v1::Workflow workflow;
  EXPECT_EQ(stub->Get(&context, get, &workflow).error_code(), grpc::StatusCode::NOT_FOUND);

  // An invalid schedule is refused for what it is, not for Temporal.
  grpc::Status invalid = Apply(*stub, Document("fast", "schedule:\n  every: PT0.001S\n"));
  EXPECT_EQ(invalid.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(invalid.error_message(), HasSubstr("/schedule/every: every 1ms is too often"));

  EXPECT_TRUE(Apply(*stub, Document("plain", "")).ok());
}

}  // namespace
}  // namespace stigmer::server

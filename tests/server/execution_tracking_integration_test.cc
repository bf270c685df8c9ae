// How stigmer-server keeps records in step with Temporal without following each execution
// (README, "DESIGN notes"): a worker's progress report makes it read the new events at once;
// a run no worker reports (terminated) is finished by the scan of closed runs; reports are
// checked, and a flood of bogus ones leaves a real execution's progress alone. Against the real
// Temporal dev server; a test responder stands in for workflow-runner and sends the reports.
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/stigmer_server.h"
#include "server_calls.h"
#include "stigmer/v1/execution.grpc.pb.h"
#include "stigmer/v1/progress.grpc.pb.h"
#include "stigmer/v1/workflow.grpc.pb.h"
#include "temporal/temporal_client.h"
#include "testing/temporal_dev_server.h"
#include "testing/test_env.h"
#include "testing/test_responder.h"

namespace stigmer::server {
namespace {

using ::testing::HasSubstr;

constexpr char kTwoSteps[] = R"(document:
  dsl: '1.0.0'
  namespace: test
  name: two-steps
  version: '1.0.0'
do:
  - first:
      set:
        a: 1
  - second:
      set:
        b: 2
)";

class ExecutionTrackingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<testing::TemporalDevServer>> temporal =
        testing::TemporalDevServer::Start();
    ASSERT_TRUE(temporal.ok()) << temporal.status();
    temporal_ = std::move(*temporal);
    ServerOptions options;
    options.port = 0;
    options.temporal_address = temporal_->address();
    options.store_path = dir_.path() / "stigmer.db";
    options.api_token = testing::kTestApiToken;
    absl::StatusOr<std::unique_ptr<StigmerServer>> server = StigmerServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    auto channel = testing::LocalChannel(server_->port());
    executions_ = stigmer::v1::ExecutionService::NewStub(channel);
    progress_ = stigmer::v1::ProgressService::NewStub(channel);
    auto client = temporal::TemporalClient::Connect(temporal_->address());
    ASSERT_TRUE(client.ok()) << client.status();
    temporal_client_ = std::move(*client);
    grpc::ClientContext context;
    stigmer::v1::ApplyWorkflowRequest request;
    request.set_definition(kTwoSteps);
    stigmer::v1::ApplyWorkflowResponse response;
    ASSERT_TRUE(
        stigmer::v1::WorkflowService::NewStub(channel)->Apply(&context, request, &response).ok());
  }

  stigmer::v1::Execution Create() {
    grpc::ClientContext context;
    stigmer::v1::CreateExecutionRequest request;
    request.set_workflow("two-steps");
    stigmer::v1::Execution execution;
    EXPECT_TRUE(executions_->Create(&context, request, &execution).ok());
    return execution;
  }

  stigmer::v1::Execution Get(const std::string& id) {
    grpc::ClientContext context;
    stigmer::v1::GetExecutionRequest request;
    request.set_id(id);
    stigmer::v1::Execution execution;
    EXPECT_TRUE(executions_->Get(&context, request, &execution).ok());
    return execution;
  }

  grpc::Status Report(const std::vector<stigmer::v1::RunProgress>& runs) {
    grpc::ClientContext context;
    stigmer::v1::ReportProgressRequest request;
    for (const stigmer::v1::RunProgress& run : runs) *request.add_runs() = run;
    stigmer::v1::ReportProgressResponse response;
    return progress_->Report(&context, request, &response);
  }

  static stigmer::v1::RunProgress Run(const stigmer::v1::Execution& execution, int64_t event) {
    stigmer::v1::RunProgress run;
    run.set_workflow_id(execution.temporal_workflow_id());
    run.set_run_id(execution.temporal_run_id());
    run.set_event_id(event);
    return run;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::TemporalDevServer> temporal_;
  std::unique_ptr<StigmerServer> server_;
  std::unique_ptr<temporal::TemporalClient> temporal_client_;
  std::unique_ptr<stigmer::v1::ExecutionService::Stub> executions_;
  std::unique_ptr<stigmer::v1::ProgressService::Stub> progress_;
};

TEST_F(ExecutionTrackingTest, AReportedTaskShowsBeforeTheRunClosesBesideAFloodOfBogusReports) {
  const stigmer::v1::Execution execution = Create();
  testing::TestResponder worker(*temporal_client_, "stigmer-workflows");
  ASSERT_TRUE(worker
                  .RespondNextWorkflowTask(
                      {worker.TaskMarker({{"path", "/do/0/first"}, {"name", "first"}})})
                  .ok());
  // A hostile or broken caller reports a thousand runs nobody knows, then the real report
  // (task started as event 3: its completion is 4) arrives: the record shows the task.
  std::vector<stigmer::v1::RunProgress> bogus;
  for (int i = 0; i < 1000; ++i) {
    stigmer::v1::RunProgress run;
    run.set_workflow_id(absl::StrCat("wex-bogus-", i));
    run.set_event_id(1 << 30);
    bogus.push_back(run);
  }
  ASSERT_TRUE(Report(bogus).ok());
  ASSERT_TRUE(Report({Run(execution, 4)}).ok());
  EXPECT_TRUE(
      testing::WaitFor([&] { return Get(execution.id()).tasks_size() == 1; }, absl::Seconds(10)));
  const stigmer::v1::Execution running = Get(execution.id());
  EXPECT_EQ(running.phase(), stigmer::v1::EXECUTION_PHASE_RUNNING);
  ASSERT_EQ(running.tasks_size(), 1);
  EXPECT_EQ(running.tasks(0).name(), "first");
}

TEST_F(ExecutionTrackingTest, ARunTerminatedInTemporalEndsWithoutAnyReport) {
  const stigmer::v1::Execution execution = Create();
  ASSERT_TRUE(
      temporal_client_->Terminate(execution.temporal_workflow_id(), "", "terminated by hand").ok());
  EXPECT_TRUE(testing::WaitFor(
      [&] { return Get(execution.id()).phase() == stigmer::v1::EXECUTION_PHASE_CANCELLED; },
      absl::Seconds(15)));
  EXPECT_THAT(Get(execution.id()).error().detail(), HasSubstr("terminated by hand"));
}

TEST_F(ExecutionTrackingTest, MalformedReportsAreRefusedNamingTheProblem) {
  stigmer::v1::RunProgress nameless;
  nameless.set_event_id(4);
  grpc::Status status = Report({nameless});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("a reported run has no workflow_id"));

  std::vector<stigmer::v1::RunProgress> too_many(1001, Run(Create(), 4));
  status = Report(too_many);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("a report names 1001 runs; the most is 1000"));

  // Without the API token: refused before the service sees it.
  auto outsider = stigmer::v1::ProgressService::NewStub(testing::LocalChannel(server_->port(), ""));
  grpc::ClientContext context;
  stigmer::v1::ReportProgressResponse response;
  status = outsider->Report(&context, {}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace stigmer::server

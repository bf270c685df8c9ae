// stigmer-server in-process against the real Temporal dev server: the workflow and execution API,
// and what Temporal sees of it. A test responder stands in for workflow-runner.
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/ulid.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/stigmer_server.h"
#include "server/store/page_token.h"
#include "server/store/store.h"
#include "server_calls.h"
#include "stigmer/v1/execution.grpc.pb.h"
#include "stigmer/v1/workflow.grpc.pb.h"
#include "temporal/payloads.h"
#include "temporal/temporal_client.h"
#include "testing/temporal_dev_server.h"
#include "testing/test_database.h"
#include "testing/test_env.h"
#include "testing/test_responder.h"

namespace stigmer::server {
namespace {

using ::testing::HasSubstr;
namespace tapi = ::temporal::api;

constexpr char kHello[] = R"(document:
  dsl: '1.0.0'
  namespace: test
  name: hello
  version: '1.0.0'
do:
  - greet:
      set:
        greeting: ${ "Hello, " + .name }
)";

class ExecutionApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SKIP_UNLESS_STORE_READY();
    absl::StatusOr<std::unique_ptr<testing::TemporalDevServer>> temporal =
        testing::TemporalDevServer::Start();
    ASSERT_TRUE(temporal.ok()) << temporal.status();
    temporal_ = std::move(*temporal);
    StartServer();
    auto client = temporal::TemporalClient::Connect(temporal_->address());
    ASSERT_TRUE(client.ok()) << client.status();
    temporal_client_ = std::move(*client);
  }

  void StartServer() {
    ServerOptions options;
    options.port = 0;
    options.temporal_address = temporal_->address();
    options.store_path = dir_.path() / "stigmer.db";
    options.database = testing::TestStoreDatabase(options.store_path);  // the PostgreSQL variant
    options.api_token = testing::kTestApiToken;
    absl::StatusOr<std::unique_ptr<StigmerServer>> server = StigmerServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    auto channel = testing::LocalChannel(server_->port());
    workflows_ = stigmer::v1::WorkflowService::NewStub(channel);
    executions_ = stigmer::v1::ExecutionService::NewStub(channel);
  }

  stigmer::v1::Execution Create(const std::string& input) {
    grpc::ClientContext context;
    stigmer::v1::CreateExecutionRequest request;
    request.set_workflow("hello");
    request.set_input(input);
    auto* secret = request.add_runtime();
    secret->set_name("TOKEN");
    secret->set_value("hunter2");
    secret->set_secret(true);
    stigmer::v1::Execution execution;
    grpc::Status status = executions_->Create(&context, request, &execution);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return execution;
  }

  void Apply() {
    grpc::ClientContext context;
    stigmer::v1::ApplyWorkflowRequest request;
    request.set_definition(kHello);
    stigmer::v1::ApplyWorkflowResponse response;
    ASSERT_TRUE(workflows_->Apply(&context, request, &response).ok());
  }

  // Every state Watch delivers for `id`, until the stream ends.
  std::vector<stigmer::v1::Execution> WatchUntilEnd(const std::string& id) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
    stigmer::v1::WatchExecutionRequest request;
    request.set_id(id);
    auto reader = executions_->Watch(&context, request);
    std::vector<stigmer::v1::Execution> seen;
    stigmer::v1::Execution execution;
    while (reader->Read(&execution)) seen.push_back(execution);
    return seen;
  }

  stigmer::v1::Execution Get(const std::string& id) {
    grpc::ClientContext context;
    stigmer::v1::GetExecutionRequest request;
    request.set_id(id);
    stigmer::v1::Execution execution;
    grpc::Status status = executions_->Get(&context, request, &execution);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return execution;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::TemporalDevServer> temporal_;
  std::unique_ptr<StigmerServer> server_;
  std::unique_ptr<temporal::TemporalClient> temporal_client_;
  std::unique_ptr<stigmer::v1::WorkflowService::Stub> workflows_;
  std::unique_ptr<stigmer::v1::ExecutionService::Stub> executions_;
};

TEST_F(ExecutionApiTest, ApplyGetListThenCreateStartsTheWorkflowOnTemporalAndWatchFollowsIt) {
  {
    grpc::ClientContext context;
    stigmer::v1::ApplyWorkflowRequest request;
    request.set_definition(kHello);
    stigmer::v1::ApplyWorkflowResponse response;
    ASSERT_TRUE(workflows_->Apply(&context, request, &response).ok());
    EXPECT_EQ(response.outcome(), stigmer::v1::APPLY_OUTCOME_CREATED);
    EXPECT_EQ(response.workflow().name(), "hello");
    EXPECT_THAT(response.workflow().id(), HasSubstr("wfl-"));
  }
  {
    grpc::ClientContext context;
    stigmer::v1::GetWorkflowRequest request;
    request.set_name("hello");
    stigmer::v1::Workflow workflow;
    ASSERT_TRUE(workflows_->Get(&context, request, &workflow).ok());
    EXPECT_EQ(workflow.version(), 1);
    EXPECT_EQ(workflow.definition(), kHello);
  }
  {
    grpc::ClientContext context;
    stigmer::v1::ListWorkflowsResponse list;
    ASSERT_TRUE(workflows_->List(&context, {}, &list).ok());
    ASSERT_EQ(list.workflows_size(), 1);
  }

  stigmer::v1::Execution execution = Create(R"({"name": "Ada"})");
  EXPECT_THAT(execution.id(), HasSubstr("wex-"));
  EXPECT_EQ(execution.phase(), stigmer::v1::EXECUTION_PHASE_RUNNING);
  EXPECT_EQ(execution.runtime(0).value(), "***");

  // Temporal shows the workflow with our id, type, task queue and input.
  absl::StatusOr<temporal::WorkflowDescription> described =
      temporal_client_->Describe(execution.id());
  ASSERT_TRUE(described.ok()) << described.status();
  EXPECT_EQ(described->workflow_type, "ServerlessWorkflow");
  EXPECT_EQ(described->task_queue, "stigmer-workflows");
  auto history = temporal_client_->GetFullHistory(execution.id());
  ASSERT_TRUE(history.ok());
  auto input = temporal::DecodeJsonPayloads(
      history->front().workflow_execution_started_event_attributes().input());
  ASSERT_TRUE(input.ok());
  ASSERT_EQ(input->size(), 3u);
  EXPECT_EQ((*input)[0]["document"]["name"], "hello");
  EXPECT_EQ((*input)[1]["name"], "Ada");
  EXPECT_EQ((*input)[2]["secrets"]["TOKEN"], "hunter2");

  // A watcher sees the task finish and the output arrive, then the stream ends.
  std::vector<stigmer::v1::Execution> seen;
  std::thread watcher([&] { seen = WatchUntilEnd(execution.id()); });
  testing::TestResponder worker(*temporal_client_, "stigmer-workflows");
  ASSERT_TRUE(
      worker
          .RespondNextWorkflowTask({worker.TaskMarker({{"path", "/do/0/greet"}, {"name", "greet"}}),
                                    testing::TestResponder::Complete({{"greeting", "Hello, Ada"}})})
          .ok());
  watcher.join();
  ASSERT_FALSE(seen.empty());
  const stigmer::v1::Execution& last = seen.back();
  EXPECT_EQ(last.phase(), stigmer::v1::EXECUTION_PHASE_COMPLETED);
  EXPECT_EQ(nlohmann::json::parse(last.output())["greeting"], "Hello, Ada");
  ASSERT_EQ(last.tasks_size(), 1);
  EXPECT_EQ(last.tasks(0).name(), "greet");
  EXPECT_EQ(last.tasks(0).phase(), stigmer::v1::TASK_PHASE_COMPLETED);

  // Cancel reaches Temporal as a cancel request.
  stigmer::v1::Execution second = Create("{}");
  {
    grpc::ClientContext context;
    stigmer::v1::CancelExecutionRequest request;
    request.set_id(second.id());
    stigmer::v1::Execution response;
    ASSERT_TRUE(executions_->Cancel(&context, request, &response).ok());
  }
  EXPECT_TRUE(testing::WaitFor(
      [&] {
        auto events = temporal_client_->GetFullHistory(second.id());
        if (!events.ok()) return false;
        for (const auto& event : *events) {
          if (event.has_workflow_execution_cancel_requested_event_attributes()) return true;
        }
        return false;
      },
      absl::Seconds(10)));
}

TEST_F(ExecutionApiTest, AWatcherOfARestartedServerStillSeesLaterChanges) {
  Apply();
  stigmer::v1::Execution execution = Create(R"({"name": "Grace"})");
  server_->Shutdown();
  server_.reset();
  StartServer();  // same store: it follows the open execution again

  std::vector<stigmer::v1::Execution> seen;
  std::thread watcher([&] { seen = WatchUntilEnd(execution.id()); });
  testing::TestResponder worker(*temporal_client_, "stigmer-workflows");
  ASSERT_TRUE(
      worker.RespondNextWorkflowTask({testing::TestResponder::Complete({{"done", true}})}).ok());
  watcher.join();
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().phase(), stigmer::v1::EXECUTION_PHASE_COMPLETED);
  EXPECT_EQ(nlohmann::json::parse(seen.back().output())["done"], true);
}

TEST_F(ExecutionApiTest, WithTemporalDownCreateIsUnavailableAndStoresNothing) {
  Apply();
  temporal_->Stop();
  grpc::ClientContext context;
  stigmer::v1::CreateExecutionRequest request;
  request.set_workflow("hello");
  stigmer::v1::Execution execution;
  grpc::Status status = executions_->Create(&context, request, &execution);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("Temporal is down"));
  EXPECT_THAT(status.error_message(), HasSubstr("nothing was stored"));
  grpc::ClientContext list_context;
  stigmer::v1::ListExecutionsResponse list;
  ASSERT_TRUE(executions_->List(&list_context, {}, &list).ok());
  EXPECT_EQ(list.executions_size(), 0);
}

TEST_F(ExecutionApiTest, ExecutionFinishedDuringServerRestartIsNotLeftRunning) {
  Apply();
  stigmer::v1::Execution execution = Create(R"({"name": "Ada"})");
  server_->Shutdown();
  server_.reset();
  // The workflow ends while the server is down; when the server comes back, Temporal is not
  // there yet, and only later returns.
  testing::TestResponder worker(*temporal_client_, "stigmer-workflows");
  ASSERT_TRUE(
      worker.RespondNextWorkflowTask({testing::TestResponder::Complete({{"done", true}})}).ok());
  temporal_->Stop();
  StartServer();
  EXPECT_EQ(Get(execution.id()).phase(), stigmer::v1::EXECUTION_PHASE_RUNNING);
  ASSERT_TRUE(temporal_->Restart().ok());

  const std::vector<stigmer::v1::Execution> seen = WatchUntilEnd(execution.id());
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().phase(), stigmer::v1::EXECUTION_PHASE_COMPLETED);
  EXPECT_EQ(nlohmann::json::parse(seen.back().output())["done"], true);
  EXPECT_EQ(Get(execution.id()).phase(), stigmer::v1::EXECUTION_PHASE_COMPLETED);
}

// Regression: the open records were listed in one call, which held the store for 50–80 ms
// once there were ten thousand; they are now listed a page at a time, and none may be skipped.
TEST_F(ExecutionApiTest, OpenRecordsPastTheFirstPageAreAllFollowedAfterARestart) {
  Apply();
  stigmer::v1::Execution real = Create(R"({"name": "Ada"})");
  server_->Shutdown();
  server_.reset();
  // Records a previous server left open, whose runs Temporal never heard of, in every open phase.
  const int kLeftOpen = store::kMaxPageSize + 7;
  {
    const auto path = dir_.path() / "stigmer.db";
    absl::StatusOr<std::unique_ptr<store::Store>> store =
        store::Store::OpenDatabase(testing::TestStoreDatabase(path), path);
    ASSERT_TRUE(store.ok()) << store.status();
    const stigmer::v1::ExecutionPhase phases[] = {stigmer::v1::EXECUTION_PHASE_RUNNING,
                                                  stigmer::v1::EXECUTION_PHASE_PENDING,
                                                  stigmer::v1::EXECUTION_PHASE_WAITING_APPROVAL};
    for (int i = 0; i < kLeftOpen; ++i) {
      stigmer::v1::Execution left;
      const absl::Time created = absl::FromUnixSeconds(1700000000 + i);
      left.set_id(NewExecutionId(created));
      left.set_workflow("hello");
      left.set_workflow_version(1);
      left.set_phase(i < store::kMaxPageSize + 2 ? phases[0] : phases[i % 3]);
      left.mutable_created_at()->set_seconds(absl::ToUnixSeconds(created));
      ASSERT_TRUE((*store)->InsertExecution(left, "").ok());
    }
  }
  StartServer();

  auto count_lost = [&] {
    int lost = 0;
    std::string token;
    do {
      grpc::ClientContext context;
      stigmer::v1::ListExecutionsRequest request;
      request.set_phase(stigmer::v1::EXECUTION_PHASE_FAILED);
      request.set_page_size(store::kMaxPageSize);
      request.set_page_token(token);
      stigmer::v1::ListExecutionsResponse page;
      if (!executions_->List(&context, request, &page).ok()) return -1;
      for (const stigmer::v1::Execution& execution : page.executions()) {
        lost += execution.error().title() == "Execution lost";
      }
      token = page.next_page_token();
    } while (!token.empty());
    return lost;
  };
  EXPECT_TRUE(testing::WaitFor([&] { return count_lost() == kLeftOpen; }, absl::Seconds(60)))
      << count_lost() << " of " << kLeftOpen << " marked lost";
  // The real execution beside them is followed as before.
  testing::TestResponder worker(*temporal_client_, "stigmer-workflows");
  ASSERT_TRUE(
      worker.RespondNextWorkflowTask({testing::TestResponder::Complete({{"done", true}})}).ok());
  const std::vector<stigmer::v1::Execution> seen = WatchUntilEnd(real.id());
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().phase(), stigmer::v1::EXECUTION_PHASE_COMPLETED);
}

TEST_F(ExecutionApiTest, ProjectionRebuildsAcrossContinuedRunsAfterRestart) {
  Apply();
  stigmer::v1::Execution execution = Create("{}");
  testing::TestResponder worker(*temporal_client_, "stigmer-workflows");
  int next_task = 0;
  // One workflow task of the current run: a marker per task, then `last`.
  auto respond = [&](int tasks, tapi::command::v1::Command last) {
    std::vector<tapi::command::v1::Command> commands;
    for (int i = 0; i < tasks; ++i, ++next_task) {
      commands.push_back(worker.TaskMarker({{"path", absl::StrCat("/do/0/each/do/", next_task)},
                                            {"name", absl::StrCat("t", next_task)}}));
    }
    commands.push_back(std::move(last));
    return worker.RespondNextWorkflowTask(std::move(commands));
  };
  const auto continue_as_new = [&] { return worker.ContinueAsNew("ServerlessWorkflow", {{}}); };
  ASSERT_TRUE(respond(2, continue_as_new()).ok());
  ASSERT_TRUE(
      testing::WaitFor([&] { return Get(execution.id()).tasks_size() == 2; }, absl::Seconds(20)));
  server_->Shutdown();
  server_.reset();
  ASSERT_TRUE(respond(2, continue_as_new()).ok());  // the second run, unseen by the server

  StartServer();  // a fresh follower on an execution in its third run
  ASSERT_TRUE(
      testing::WaitFor([&] { return Get(execution.id()).tasks_size() == 4; }, absl::Seconds(20)))
      << Get(execution.id()).DebugString();
  const std::string latest_run = temporal_client_->Describe(execution.id())->run_id;
  EXPECT_EQ(Get(execution.id()).temporal_run_id(), latest_run);
  EXPECT_EQ(Get(execution.id()).phase(), stigmer::v1::EXECUTION_PHASE_RUNNING);

  std::vector<stigmer::v1::Execution> seen;
  std::thread watcher([&] { seen = WatchUntilEnd(execution.id()); });
  ASSERT_TRUE(respond(1, testing::TestResponder::Complete({{"done", true}})).ok());
  watcher.join();
  ASSERT_FALSE(seen.empty());
  // Each state a watcher saw held every task seen before it, in place.
  for (const auto& state : seen) EXPECT_GE(state.tasks_size(), 4);
  const stigmer::v1::Execution& last = seen.back();
  EXPECT_EQ(last.phase(), stigmer::v1::EXECUTION_PHASE_COMPLETED);
  ASSERT_EQ(last.tasks_size(), 5);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(last.tasks(i).name(), absl::StrCat("t", i));
    EXPECT_EQ(last.tasks(i).phase(), stigmer::v1::TASK_PHASE_COMPLETED);
  }
}

TEST_F(ExecutionApiTest, OpenRecordTemporalNeverHeardOfIsNotLeftRunning) {
  Apply();
  stigmer::v1::Execution good = Create(R"({"name": "Ada"})");
  server_->Shutdown();
  server_.reset();
  stigmer::v1::Execution lost = good;  // a record like it, of a workflow Temporal never saw
  lost.set_id(NewExecutionId());
  lost.set_temporal_workflow_id(lost.id());
  lost.clear_temporal_run_id();
  {
    const auto path = dir_.path() / "stigmer.db";
    auto store = store::Store::OpenDatabase(testing::TestStoreDatabase(path), path);
    ASSERT_TRUE(store.ok()) << store.status();
    absl::Status inserted = (*store)->InsertExecution(lost, "");
    ASSERT_TRUE(inserted.ok()) << inserted;
  }
  StartServer();

  const std::vector<stigmer::v1::Execution> seen = WatchUntilEnd(lost.id());
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().phase(), stigmer::v1::EXECUTION_PHASE_FAILED);
  EXPECT_EQ(seen.back().error().title(), "Execution lost");
  EXPECT_EQ(seen.back().error().detail(),
            absl::StrCat("Temporal has no workflow ", lost.id(),
                         ": it never started, or Temporal's data was removed"));
  // The other execution is still followed and ends as it should.
  testing::TestResponder worker(*temporal_client_, "stigmer-workflows");
  ASSERT_TRUE(
      worker.RespondNextWorkflowTask({testing::TestResponder::Complete({{"done", true}})}).ok());
  ASSERT_TRUE(testing::WaitFor(
      [&] { return Get(good.id()).phase() == stigmer::v1::EXECUTION_PHASE_COMPLETED; },
      absl::Seconds(20)));
}

// A Create whose input is nested 100,000 deep used to crash stigmer-server (five made it
// fatal); inputs Temporal would refuse for their size used to fail only inside Temporal. Each is
// refused up front, nothing is stored, and the server goes on serving.
TEST_F(ExecutionApiTest, CreateWithInputNested100000DeepIsRefusedNotACrash) {
  Apply();
  auto create = [&](const std::string& workflow, const std::string& input) {
    grpc::ClientContext context;
    stigmer::v1::CreateExecutionRequest request;
    request.set_workflow(workflow);
    request.set_input(input);
    stigmer::v1::Execution execution;
    return executions_->Create(&context, request, &execution);
  };
  const std::string deep = "{\"a\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  for (int i = 0; i < 5; ++i) {
    grpc::Status status = create("hello", deep);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(),
                HasSubstr("the input is nested deeper than 256 levels (the limit)"));
  }
  const nlohmann::json big = {{"name", std::string(2600 * 1024, 'x')}};
  grpc::Status too_big = create("hello", big.dump());
  EXPECT_EQ(too_big.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(too_big.error_message(),
              HasSubstr("the input is 2.5 MiB as JSON; the most Temporal accepts in one payload "
                        "is 2 MiB"));

  // A document of 1.2 MiB and an input of 1 MiB fit alone but not together.
  {
    grpc::ClientContext context;
    stigmer::v1::ApplyWorkflowRequest request;
    request.set_definition(
        absl::StrCat("document: {dsl: '1.0.0', namespace: test, name: large, version: '1.0.0'}\n"
                     "do:\n  - pad:\n      set:\n        pad: ",
                     std::string(1200 * 1024, 'p'), "\n"));
    stigmer::v1::ApplyWorkflowResponse response;
    grpc::Status applied = workflows_->Apply(&context, request, &response);
    ASSERT_TRUE(applied.ok()) << applied.error_message();
  }
  grpc::Status together =
      create("large", nlohmann::json({{"name", std::string(1024 * 1024, 'y')}}).dump());
  EXPECT_EQ(together.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(together.error_message(),
              HasSubstr("the input (1 MiB) and the workflow document (1.2 MiB) together are 2.2 "
                        "MiB as JSON; the most Temporal accepts to start a run is 2 MiB"));

  stigmer::v1::Execution good = Create(R"({"name": "Ada"})");
  EXPECT_EQ(good.phase(), stigmer::v1::EXECUTION_PHASE_RUNNING);
  grpc::ClientContext list_context;
  stigmer::v1::ListExecutionsResponse list;
  ASSERT_TRUE(executions_->List(&list_context, {}, &list).ok());
  ASSERT_EQ(list.executions_size(), 1);
  EXPECT_EQ(list.executions(0).id(), good.id());
}

}  // namespace
}  // namespace stigmer::server

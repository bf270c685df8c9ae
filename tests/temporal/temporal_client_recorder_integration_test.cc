// Records the Temporal histories that tests/server/execution_projection_test.cc projects.
//
// Each scenario drives a workflow on the real dev server with TestResponder (the commands
// workflow-runner will send) and checks the history Temporal wrote. With
// STIGMER_RECORD_HISTORIES=1 the histories are also saved as tests/fixtures/histories/NAME.json
// (the History message as protobuf JSON; a continued-as-new workflow's runs one after the other).

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "temporal/temporal_client.h"
#include "testing/history_fixtures.h"
#include "testing/temporal_dev_server.h"
#include "testing/test_responder.h"

namespace stigmer::testing {
namespace {

namespace enums = ::temporal::api::enums::v1;
using temporal::HistoryEvent;
using temporal::TemporalClient;

constexpr char kDefinition[] =
    "document: {dsl: 1.0.0, namespace: test, name: fixture, version: 0.1.0}\n"
    "do:\n  - greet:\n      set: {greeting: hello}\n";

int64_t TaskTimeMs(const tapi::workflowservice::v1::PollWorkflowTaskQueueResponse& task) {
  const auto& events = task.history().events();
  if (events.empty()) return 0;
  const auto& time = events.rbegin()->event_time();
  return time.seconds() * 1000 + time.nanos() / 1000000;
}

int Count(const std::vector<HistoryEvent>& events, enums::EventType type) {
  int count = 0;
  for (const HistoryEvent& event : events) count += event.event_type() == type ? 1 : 0;
  return count;
}

class HistoryRecorderTest : public TemporalDevServerSuite {
 protected:
  void SetUp() override {
    TemporalDevServerSuite::SetUp();
    auto client = TemporalClient::Connect(temporal_address());
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = std::move(*client);
  }

  // Starts workflow `name` on task queue `name` with the three ServerlessWorkflow inputs.
  std::string Start(const std::string& name, std::optional<absl::Duration> timeout = {}) {
    temporal::StartWorkflowOptions options;
    options.workflow_id = absl::StrCat("wex-fixture-", name);
    options.task_queue = name;
    options.input = {kDefinition, {{"name", "world"}}, {{"REGION", "eu"}}};
    options.request_id = absl::StrCat("request-", name);
    options.execution_timeout = timeout;
    auto run_id = client_->StartWorkflow(options);
    EXPECT_TRUE(run_id.ok()) << run_id.status();
    return options.workflow_id;
  }

  std::vector<HistoryEvent> History(const std::string& workflow_id,
                                    const std::string& run_id = "") {
    auto events = client_->GetFullHistory(workflow_id, run_id);
    EXPECT_TRUE(events.ok()) << events.status();
    return events.ok() ? *events : std::vector<HistoryEvent>{};
  }

  std::unique_ptr<TemporalClient> client_;
};

TEST_F(HistoryRecorderTest, RecordsEveryWayAnExecutionEnds) {
  {  // completed: an activity task, its marker, a pure task's marker, then the output
    const std::string id = Start("completed");
    TestResponder responder(*client_, "completed");
    auto first = responder.PollWorkflowTask();
    ASSERT_TRUE(first.ok()) << first.status();
    const nlohmann::json fetch = {{"path", "/do/0/fetch"}, {"name", "fetch"}};
    ASSERT_TRUE(responder
                    .CompleteWorkflowTask(first->task_token(),
                                          {responder.ScheduleActivity("1", "http", fetch)})
                    .ok());
    ASSERT_TRUE(responder.CompleteNextActivity({{"status", 200}}).ok());
    auto second = responder.PollWorkflowTask();
    ASSERT_TRUE(second.ok()) << second.status();
    nlohmann::json fetch_done = fetch;
    fetch_done["started_at_ms"] = TaskTimeMs(*first);
    fetch_done["output"] = {{"status", 200}};
    const nlohmann::json greet = {{"path", "/do/1/greet"},
                                  {"name", "greet"},
                                  {"started_at_ms", TaskTimeMs(*second)},
                                  {"output", {{"greeting", "hello"}}}};
    ASSERT_TRUE(
        responder
            .CompleteWorkflowTask(second->task_token(),
                                  {responder.TaskMarker(fetch_done), responder.TaskMarker(greet),
                                   TestResponder::Complete({{"greeting", "hello"}})})
            .ok());
    const auto events = History(id);
    EXPECT_EQ(Count(events, enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED), 1);
    EXPECT_EQ(Count(events, enums::EVENT_TYPE_MARKER_RECORDED), 2);
    EXPECT_EQ(events.back().event_type(), enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    SaveHistoryFixture("completed", events);
  }
  const nlohmann::json not_found = {
      {"type", "https://serverlessworkflow.io/spec/1.0.0/errors/communication"},
      {"status", 404},
      {"title", "Not Found"},
      {"detail", "GET http://127.0.0.1:8080/missing answered 404"},
      {"instance", "/do/1/fetch"}};
  {  // failed with a DSL error raised by an activity
    const std::string id = Start("failed_dsl");
    TestResponder responder(*client_, "failed_dsl");
    const nlohmann::json prepare = {{"path", "/do/0/prepare"}, {"name", "prepare"}};
    ASSERT_TRUE(responder
                    .RespondNextWorkflowTask(
                        {responder.TaskMarker(prepare),
                         responder.ScheduleActivity("2", "http",
                                                    {{"path", "/do/1/fetch"}, {"name", "fetch"}})})
                    .ok());
    ASSERT_TRUE(responder.FailNextActivity(TestResponder::DslFailure(not_found)).ok());
    ASSERT_TRUE(
        responder
            .RespondNextWorkflowTask({TestResponder::Fail(TestResponder::DslFailure(not_found))})
            .ok());
    const auto events = History(id);
    EXPECT_EQ(Count(events, enums::EVENT_TYPE_ACTIVITY_TASK_FAILED), 1);
    EXPECT_EQ(events.back().event_type(), enums::EVENT_TYPE_WORKFLOW_EXECUTION_FAILED);
    SaveHistoryFixture("failed_dsl", events);
  }
  {  // failed with a failure that is not a DSL error
    const std::string id = Start("failed_runtime");
    TestResponder responder(*client_, "failed_runtime");
    tapi::failure::v1::Failure failure;
    failure.set_message("interpreter crashed");
    failure.mutable_application_failure_info()->set_type("InternalError");
    failure.mutable_cause()->set_message("std::bad_alloc");
    ASSERT_TRUE(responder.RespondNextWorkflowTask({TestResponder::Fail(failure)}).ok());
    const auto events = History(id);
    EXPECT_EQ(events.back().event_type(), enums::EVENT_TYPE_WORKFLOW_EXECUTION_FAILED);
    SaveHistoryFixture("failed_runtime", events);
  }
  {  // cancelled: a cancel request, then the workflow ends as cancelled
    const std::string id = Start("cancelled");
    TestResponder responder(*client_, "cancelled");
    ASSERT_TRUE(responder
                    .RespondNextWorkflowTask(
                        {responder.TaskMarker({{"path", "/do/0/first"}, {"name", "first"}})})
                    .ok());
    ASSERT_TRUE(client_->RequestCancel(id, "", "the user cancelled it").ok());
    ASSERT_TRUE(responder.RespondNextWorkflowTask({TestResponder::CancelWorkflow()}).ok());
    const auto events = History(id);
    EXPECT_EQ(Count(events, enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED), 1);
    EXPECT_EQ(events.back().event_type(), enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
    SaveHistoryFixture("cancelled", events);
  }
  {  // terminated
    const std::string id = Start("terminated");
    TestResponder responder(*client_, "terminated");
    ASSERT_TRUE(responder.RespondNextWorkflowTask({}).ok());
    ASSERT_TRUE(client_->Terminate(id, "", "stopped by the test").ok());
    const auto events = History(id);
    EXPECT_EQ(events.back().event_type(), enums::EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED);
    SaveHistoryFixture("terminated", events);
  }
  {  // timed out: nobody answers within the execution timeout
    const std::string id = Start("timed_out", absl::Seconds(1));
    ASSERT_TRUE(WaitFor(
        [&] {
          auto description = client_->Describe(id);
          return description.ok() &&
                 description->status == enums::WORKFLOW_EXECUTION_STATUS_TIMED_OUT;
        },
        absl::Seconds(30)));
    const auto events = History(id);
    EXPECT_EQ(events.back().event_type(), enums::EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT);
    SaveHistoryFixture("timed_out", events);
  }
  {  // continued as new: the first run records a marker and continues; the second completes
    const std::string id = Start("continued");
    auto first_run = client_->Describe(id);
    ASSERT_TRUE(first_run.ok()) << first_run.status();
    TestResponder responder(*client_, "continued");
    ASSERT_TRUE(
        responder
            .RespondNextWorkflowTask(
                {responder.TaskMarker({{"path", "/do/0/first"}, {"name", "first"}}),
                 responder.ContinueAsNew("ServerlessWorkflow", {kDefinition, {{"n", 2}}, {}})})
            .ok());
    ASSERT_TRUE(responder
                    .RespondNextWorkflowTask(
                        {responder.TaskMarker({{"path", "/do/1/second"}, {"name", "second"}}),
                         TestResponder::Complete({{"n", 2}})})
                    .ok());
    std::vector<HistoryEvent> events = History(id, first_run->run_id);
    EXPECT_EQ(events.back().event_type(), enums::EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
    const std::vector<HistoryEvent> second = History(id);
    EXPECT_EQ(second.back().event_type(), enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    events.insert(events.end(), second.begin(), second.end());
    SaveHistoryFixture("continued_as_new", events);
  }
}

}  // namespace
}  // namespace stigmer::testing

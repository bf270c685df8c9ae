// Temporal's port is open to every local account: workflow-runner must run only what
// stigmer-server signed (issue: anyone could start a ServerlessWorkflow on stigmer-workflows and
// have its shell tasks run as the daemon's user).

#include <filesystem>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "workflow/workflow_runner_suite.h"

namespace stigmer::workflow {
namespace {

using ::testing::HasSubstr;

constexpr char kKey[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

class SignedStartsTest : public WorkflowRunnerTest {
 protected:
  void Configure(ServerlessWorkflowOptions& options) override {
    options.signing_key = kKey;
    options.continue_as_new_events = 40;
  }
};

TEST_F(SignedStartsTest, UnsignedStartFailsWithoutRunningAStepWhileASignedOneRuns) {
  testing::TempDir dir;
  const std::filesystem::path marker = dir.path() / "ran";
  const std::string body = absl::StrCat(R"(do:
  - touch:
      run:
        shell:
          command: touch )",
                                        marker.string(), "\n");
  const std::string unsigned_id = Start("unsigned", body, nlohmann::json::object());
  signing_key_ = kKey;
  const std::string signed_id = Start("signed", R"(do:
  - hello:
      set:
        greeting: hi
)",
                                      nlohmann::json::object());

  EXPECT_EQ(Output(WaitClosed(signed_id)), nlohmann::json({{"greeting", "hi"}}));
  const std::vector<durable::HistoryEvent> events = WaitClosed(unsigned_id);
  ASSERT_FALSE(events.empty());
  ASSERT_TRUE(events.back().has_workflow_execution_failed_event_attributes());
  const auto& failure = events.back().workflow_execution_failed_event_attributes().failure();
  auto problem = temporal::DecodeJsonPayloadAt(failure.application_failure_info().details());
  ASSERT_TRUE(problem.ok());
  EXPECT_EQ((*problem)["status"], 403);
  EXPECT_THAT((*problem)["detail"].get<std::string>(),
              HasSubstr("not started by stigmer-server: it carries no signature"));
  EXPECT_EQ(Count(events, EventType::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED), 0);
  EXPECT_FALSE(std::filesystem::exists(marker)) << "the unsigned run's command ran";
}

TEST_F(SignedStartsTest, RunsContinuedAsNewAreSignedByTheWorker) {
  signing_key_ = kKey;
  const std::string id = Start("signed_loop", R"(do:
  - each:
      for:
        each: n
        in: ${ [range(8)] }
      do:
        - echo:
            run:
              shell:
                command: ${ "echo " + ($n | tostring) }
  - done:
      set:
        finished: true
)",
                               nlohmann::json::object());
  const std::vector<durable::HistoryEvent> events = WaitClosed(id, absl::Seconds(60));
  EXPECT_EQ(Output(events), nlohmann::json({{"finished", true}}));
  ASSERT_FALSE(events.empty());
  EXPECT_FALSE(events.front()
                   .workflow_execution_started_event_attributes()
                   .continued_execution_run_id()
                   .empty())
      << "the loop never continued as new";
}

}  // namespace
}  // namespace stigmer::workflow

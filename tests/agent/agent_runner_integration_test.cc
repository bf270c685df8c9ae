// Agent runs on the durable core against the real Temporal dev server, with the scripted model
// server choosing the model's answers: tool calls run as activities in the run's workspace, the
// conversation reaches the model whole although no activity carries it, and a rate limit is
// retried. With STIGMER_RECORD_HISTORIES=1 the two-tool run's history is saved as
// tests/fixtures/histories/agent_two_tools.json for the offline replay (agent_replay_test.cc).

#include <string>
#include <vector>

#include "agent/agent_runner_suite.h"
#include "gmock/gmock.h"
#include "testing/history_fixtures.h"

namespace stigmer::agent {
namespace {

using ::testing::HasSubstr;

TEST_F(AgentRunnerTest, TwoToolCallsRunInTheWorkspaceAndTheModelSeesTheirResults) {
  model_.QueueToolCall("call_1", "shell", {{"command", "echo hello > note.txt && echo written"}});
  model_.QueueToolCall("call_2", "files", {{"operation", "read"}, {"path", "note.txt"}});
  model_.QueueText("The note says hello.");
  const auto events =
      WaitClosed(Start("aex-two-tools", Agent({"shell", "files"}), "Read the note"));
  testing::SaveHistoryFixture("agent_two_tools", events);

  const nlohmann::json output = Output(events);
  EXPECT_EQ(output["answer"], "The note says hello.") << output.dump();
  EXPECT_EQ(output["model_calls"], 3);
  EXPECT_EQ(output["tool_calls"], 2);
  EXPECT_TRUE(
      std::filesystem::exists(std::filesystem::path(workspaces_) / "aex-two-tools" / "note.txt"));
  const std::vector<nlohmann::json> requests = model_.requests();
  ASSERT_EQ(requests.size(), 3u);
  // The last call carries the whole conversation: system, user, and each call with its result.
  const nlohmann::json& messages = requests[2]["messages"];
  ASSERT_EQ(messages.size(), 6u) << messages.dump();
  EXPECT_EQ(messages[1]["content"], "Read the note");
  EXPECT_THAT(messages[3]["content"].get<std::string>(), HasSubstr("written"));
  EXPECT_THAT(messages[5]["content"].get<std::string>(), HasSubstr("hello"));
}

TEST_F(AgentRunnerTest, NoScheduledModelCallCarriesTheConversation) {
  const std::string long_text(20000, 'x');
  for (int i = 0; i < 3; ++i)
    model_.QueueToolCall(
        absl::StrCat("c", i), "files",
        {{"operation", "write"}, {"path", "f.txt"}, {"content", long_text + std::to_string(i)}});
  model_.QueueText("done");
  const auto events = WaitClosed(Start("aex-small-steps", Agent({"files"}), "Write thrice"));
  EXPECT_EQ(Output(events)["answer"], "done");
  for (const durable::HistoryEvent& event : events) {
    if (!event.has_activity_task_scheduled_event_attributes()) continue;
    const auto& scheduled = event.activity_task_scheduled_event_attributes();
    if (scheduled.activity_type().name() != kModelActivity) continue;
    EXPECT_LT(scheduled.input().ByteSizeLong(), 1024u)
        << "a model call's request carries more than its turn";
  }
}

TEST_F(AgentRunnerTest, ARateLimitIsRetriedAndTheRunCompletes) {
  model_.Queue({.status = 429,
                .body = R"({"error":{"message":"Rate limit reached"}})",
                .headers = {{"Retry-After", "0"}}});
  model_.QueueText("Hello after a wait.");
  const auto events = WaitClosed(Start("aex-rate-limited", Agent({}), "Hi"));
  EXPECT_EQ(Output(events)["answer"], "Hello after a wait.");
  EXPECT_EQ(model_.request_count(), 2u);
}

TEST_F(AgentRunnerTest, AnAuthenticationFailureFailsTheRunNamingTheProvider) {
  model_.Queue({.status = 401, .body = R"({"error":{"message":"Incorrect API key"}})"});
  const auto events = WaitClosed(Start("aex-unauthorized", Agent({}), "Hi"));
  ASSERT_TRUE(events.back().has_workflow_execution_failed_event_attributes());
  const std::string failure =
      events.back().workflow_execution_failed_event_attributes().failure().DebugString();
  EXPECT_THAT(failure, HasSubstr("Incorrect API key"));
  EXPECT_EQ(model_.request_count(), 1u);
}

}  // namespace
}  // namespace stigmer::agent

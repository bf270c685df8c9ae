// Agent runs on the durable core against the real Temporal dev server, with the scripted model
// server choosing the model's answers: tool calls run as activities in the run's workspace, the
// conversation reaches the model whole although no activity carries it, and a rate limit is
// retried.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "activities/activity_dispatcher.h"
#include "agent/agent_activities.h"
#include "agent/agent_program.h"
#include "durable/workflow_task_handler.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "temporal/payloads.h"
#include "temporal/task_queue_poller.h"
#include "temporal/temporal_channel.h"
#include "temporal/temporal_client.h"
#include "testing/scripted_model_server.h"
#include "testing/temporal_dev_server.h"
#include "testing/test_env.h"

namespace stigmer::agent {
namespace {

namespace tapi = ::temporal::api;
using tapi::enums::v1::EventType;
using ::testing::HasSubstr;

class AgentRunnerTest : public testing::TemporalDevServerSuite {
 protected:
  void SetUp() override {
    TemporalDevServerSuite::SetUp();
    auto client = temporal::TemporalClient::Connect(temporal_address(), "default");
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = std::shared_ptr<temporal::TemporalClient>(std::move(*client));
    queue_ =
        absl::StrCat("agents-", ::testing::UnitTest::GetInstance()->current_test_info()->name());
    workspaces_ = (temp_.path() / "workspaces").string();

    temporal::TaskQueuePollerOptions options;
    options.temporal_address = temporal_address();
    options.task_queue = queue_;
    options.identity = "agent-test";
    options.workflow_pollers = 2;
    options.activity_pollers = 2;
    options.channel = temporal::CreateTemporalChannel(temporal_address(), nullptr);
    durable::WorkflowTaskOptions workflow;
    workflow.commands.task_queue = queue_;
    workflow.commands.activity_heartbeat_timeout = absl::Seconds(5);
    auto program =
        std::make_shared<AgentProgram>(AgentProgramOptions{.workspaces_dir = workspaces_});
    ModelActivityOptions model;
    model.program = program;
    model.environment = [](absl::string_view) { return std::optional<std::string>(); };
    model.initial_backoff = absl::Milliseconds(50);
    model.read_history = [client = client_](const activities::ActivityInfo& info) {
      return client->GetFullHistory(info.workflow_id, info.run_id);
    };
    poller_ = std::make_unique<temporal::TaskQueuePoller>(
        options, nullptr,
        std::make_unique<durable::WorkflowTaskHandler>(options.channel, "default", "agent-test",
                                                       "agent-runner", workflow, program),
        std::make_unique<activities::ActivityDispatcher>(
            options.channel, "default", "agent-test", "agent-runner",
            AgentActivities(model, activities::ActivityLimits{})));
    poller_->Start();
  }

  void TearDown() override {
    if (poller_) poller_->Stop();
  }

  nlohmann::json Agent(const std::vector<std::string>& tools) const {
    return {{"kind", "Agent"},
            {"name", "helper"},
            {"instructions", "Use the tools to answer."},
            {"model",
             {{"provider", "openai-compatible"},
              {"name", "scripted"},
              {"base_url", model_.base_url()}}},
            {"tools", tools}};
  }

  std::string Start(const std::string& id, const nlohmann::json& agent,
                    const std::string& message) {
    temporal::StartWorkflowOptions options;
    options.workflow_id = id;
    options.workflow_type = kAgentWorkflowType;
    options.task_queue = queue_;
    options.input = {
        agent,
        {{"message", message}},
        {{"environment", nlohmann::json::object()}, {"secrets", nlohmann::json::object()}}};
    auto run = client_->StartWorkflow(options);
    EXPECT_TRUE(run.ok()) << run.status();
    return id;
  }

  std::vector<durable::HistoryEvent> WaitClosed(const std::string& id) {
    std::vector<durable::HistoryEvent> events;
    const bool closed = testing::WaitFor(
        [&] {
          auto history = client_->GetFullHistory(id);
          if (!history.ok() || history->empty()) return false;
          events = *std::move(history);
          const EventType last = events.back().event_type();
          return last == EventType::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED ||
                 last == EventType::EVENT_TYPE_WORKFLOW_EXECUTION_FAILED;
        },
        absl::Seconds(60));
    EXPECT_TRUE(closed) << id << " did not close";
    return events;
  }

  static nlohmann::json Output(const std::vector<durable::HistoryEvent>& events) {
    if (events.empty() || !events.back().has_workflow_execution_completed_event_attributes()) {
      return "not completed";
    }
    auto output = temporal::DecodeJsonPayloadAt(
        events.back().workflow_execution_completed_event_attributes().result());
    return output.ok() ? *output : nlohmann::json("unreadable");
  }

  testing::TempDir temp_;
  testing::ScriptedModelServer model_;
  std::shared_ptr<temporal::TemporalClient> client_;
  std::string queue_;
  std::string workspaces_;
  std::unique_ptr<temporal::TaskQueuePoller> poller_;
};

TEST_F(AgentRunnerTest, TwoToolCallsRunInTheWorkspaceAndTheModelSeesTheirResults) {
  model_.QueueToolCall("call_1", "shell", {{"command", "echo hello > note.txt && echo written"}});
  model_.QueueToolCall("call_2", "files", {{"operation", "read"}, {"path", "note.txt"}});
  model_.QueueText("The note says hello.");
  const auto events =
      WaitClosed(Start("aex-two-tools", Agent({"shell", "files"}), "Read the note"));

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

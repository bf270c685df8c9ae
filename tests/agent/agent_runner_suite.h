#ifndef STIGMER_TESTS_AGENT_AGENT_RUNNER_SUITE_H_
#define STIGMER_TESTS_AGENT_AGENT_RUNNER_SUITE_H_

// An agent-runner worker (the agent program on the durable core, with agent-runner's
// activities) polling a queue of its own on the real Temporal dev server, the scripted model
// server as its model, and helpers to start runs and wait for them.

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "activities/activity_dispatcher.h"
#include "agent/agent_activities.h"
#include "agent/agent_program.h"
#include "durable/workflow_task_handler.h"
#include "gtest/gtest.h"
#include "temporal/payloads.h"
#include "temporal/task_queue_poller.h"
#include "temporal/temporal_channel.h"
#include "temporal/temporal_client.h"
#include "testing/closed_history.h"
#include "testing/scripted_model_server.h"
#include "testing/temporal_dev_server.h"
#include "testing/test_env.h"

namespace stigmer::agent {

using ::temporal::api::enums::v1::EventType;

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
    poller_ = NewWorker();
    poller_->Start();
  }

  void TearDown() override {
    if (poller_) poller_->Stop();
  }

  // A worker for queue_, not started (a test stops one and starts another). With model_queue_
  // set, model calls are scheduled there, and polled only when `runs_model_calls`.
  std::unique_ptr<temporal::TaskQueuePoller> NewWorker(bool runs_model_calls = true) {
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
    SetAgentActivityAttempts(workflow.commands);
    if (!model_queue_.empty()) {
      workflow.commands.activity_kinds[kModelActivity].task_queue = model_queue_;
      if (runs_model_calls) options.activity_queues.push_back({model_queue_, 1});
    }
    auto program =
        std::make_shared<AgentProgram>(AgentProgramOptions{.workspaces_dir = workspaces_});
    ModelActivityOptions model;
    model.program = program;
    model.environment = [](absl::string_view) { return std::optional<std::string>(); };
    model.initial_backoff = absl::Milliseconds(50);
    model.read_history = [client = client_,
                          reads = history_reads_](const activities::ActivityInfo& info) {
      ++*reads;
      return client->GetFullHistory(info.workflow_id, info.run_id);
    };
    return std::make_unique<temporal::TaskQueuePoller>(
        options, nullptr,
        std::make_unique<durable::WorkflowTaskHandler>(options.channel, "default", "agent-test",
                                                       "agent-runner", workflow, program,
                                                       durable::StickyExecution{}, progress_),
        std::make_unique<activities::ActivityDispatcher>(
            options.channel, "default", "agent-test", "agent-runner",
            AgentActivities(model, activities::ActivityLimits{}, mcp_limits_)));
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
    std::vector<durable::HistoryEvent> events =
        testing::WaitClosedHistory(*client_, id, absl::Seconds(60));
    EXPECT_FALSE(events.empty()) << id << " did not close";
    return events;
  }

  static nlohmann::json Output(const std::vector<durable::HistoryEvent>& events) {
    return testing::CompletedOutput(events);
  }

  McpLimits mcp_limits_;     // a fixture may change it in its constructor
  std::string model_queue_;  // idem: where model calls go ("": queue_)
  // Reads of a run's history by the activities (the model's and MCP's).
  std::shared_ptr<std::atomic<int>> history_reads_ = std::make_shared<std::atomic<int>>(0);
  testing::TempDir temp_;
  testing::ScriptedModelServer model_;
  std::shared_ptr<temporal::TemporalClient> client_;
  std::string queue_;
  // Where workers report progress (a stigmer-server); null: nowhere.
  std::shared_ptr<durable::ProgressReporter> progress_;
  std::string workspaces_;
  std::unique_ptr<temporal::TaskQueuePoller> poller_;
};

}  // namespace stigmer::agent

#endif  // STIGMER_TESTS_AGENT_AGENT_RUNNER_SUITE_H_

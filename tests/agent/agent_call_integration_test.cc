// A workflow's `call: agent` task against the real Temporal dev server: the DSL interpreter
// (workflow-runner's program) starts the agent as a child workflow on agent-runner's queue, the
// agent program runs it with the scripted model, and the task's output is the agent's answer.

#include <memory>
#include <string>

#include "agent/agent_runner_suite.h"
#include "gmock/gmock.h"
#include "workflow/serverless_program.h"
#include "workflow/workflow_document.h"

namespace stigmer::agent {
namespace {

using json = nlohmann::json;

class AgentCallTest : public AgentRunnerTest {
 protected:
  void SetUp() override {
    AgentRunnerTest::SetUp();
    workflow_queue_ = queue_ + "-workflows";
    temporal::TaskQueuePollerOptions options;
    options.temporal_address = temporal_address();
    options.task_queue = workflow_queue_;
    options.identity = "workflow-test";
    options.workflow_pollers = 1;
    options.activity_pollers = 1;
    options.channel = temporal::CreateTemporalChannel(temporal_address(), nullptr);
    workflow::ServerlessWorkflowOptions workflow_options;
    workflow_options.commands.task_queue = workflow_queue_;
    workflows_ = std::make_unique<temporal::TaskQueuePoller>(
        options, nullptr,
        std::make_unique<durable::WorkflowTaskHandler>(
            options.channel, "default", "workflow-test", "workflow-runner", workflow_options,
            std::make_shared<workflow::ServerlessProgram>(workflow_options)),
        std::make_unique<activities::ActivityDispatcher>(
            options.channel, "default", "workflow-test", "workflow-runner",
            activities::SideEffectActivities(activities::ActivityLimits{})));
    workflows_->Start();
  }

  void TearDown() override {
    if (workflows_) workflows_->Stop();
    AgentRunnerTest::TearDown();
  }

  // Starts `yaml` as stigmer-server does, with agent `researcher` (whose model is at
  // `model_url`, the scripted model server by default) resolved.
  std::string StartWorkflow(const std::string& id, const std::string& yaml, const json& input,
                            const std::string& model_url = "") {
    absl::StatusOr<workflow::WorkflowDocument> document = workflow::ParseWorkflowDocument(yaml);
    EXPECT_TRUE(document.ok()) << document.status();
    json researcher = Agent({});
    researcher["name"] = "researcher";
    if (!model_url.empty()) researcher["model"]["base_url"] = model_url;
    temporal::StartWorkflowOptions options;
    options.workflow_id = id;
    options.workflow_type = temporal::kServerlessWorkflowType;
    options.task_queue = workflow_queue_;
    options.input = {json::parse(document->json.dump()),
                     input,
                     {{"environment", json::object()},
                      {"secrets", json::object()},
                      {"agents", {{"researcher", {{"document", researcher}}}}},
                      {"agent_task_queue", queue_}}};
    auto run = client_->StartWorkflow(options);
    EXPECT_TRUE(run.ok()) << run.status();
    return id;
  }

  std::string workflow_queue_;
  std::unique_ptr<temporal::TaskQueuePoller> workflows_;
};

constexpr char kAskWorkflow[] = R"(document:
  dsl: '1.0.0'
  namespace: test
  name: ask
  version: '1.0.0'
do:
  - ask:
      call: agent
      with:
        agent: researcher
        message: ${ "What is " + .topic + "?" }
  - shout:
      set:
        said: ${ .answer }
)";

TEST_F(AgentCallTest, AWorkflowCallsAnAgentAndGoesOnWithItsAnswer) {
  model_.QueueText("x is 42");
  const auto events = WaitClosed(StartWorkflow("wex-ask", kAskWorkflow, {{"topic", "x"}}));
  EXPECT_EQ(Output(events), json({{"said", "x is 42"}})) << Output(events).dump();
  const auto child = WaitClosed("wex-ask/do/0/ask#1");
  EXPECT_EQ(Output(child)["answer"], "x is 42");
  ASSERT_EQ(model_.request_count(), 1u);
  EXPECT_EQ(model_.requests()[0]["messages"][1]["content"], "What is x?");
}

TEST_F(AgentCallTest, AFailingAgentFailsItsTaskWhileAnotherWorkflowCompletes) {
  testing::ScriptedModelServer refusing;
  refusing.Queue({.status = 401, .body = R"({"error":{"message":"Incorrect API key"}})"});
  model_.QueueText("fine");
  const std::string bad =
      StartWorkflow("wex-ask-bad", kAskWorkflow, {{"topic", "y"}}, refusing.base_url());
  const std::string good = StartWorkflow("wex-ask-good", kAskWorkflow, {{"topic", "z"}});
  const auto failed = WaitClosed(bad);
  ASSERT_TRUE(failed.back().has_workflow_execution_failed_event_attributes());
  const std::string failure =
      failed.back().workflow_execution_failed_event_attributes().failure().DebugString();
  EXPECT_THAT(failure, ::testing::HasSubstr("Incorrect API key"));
  EXPECT_THAT(failure, ::testing::HasSubstr("/do/0/ask"));
  EXPECT_EQ(Output(WaitClosed(good)), json({{"said", "fine"}}));
}

}  // namespace
}  // namespace stigmer::agent

// Sub-agents against the real Temporal dev server with the scripted model server: the model
// calls a sub-agent as a tool, the sub-agent runs as a child workflow with its own history and
// its answer is the tool's result; a failing sub-agent is a tool error the parent's model reads
// while another alongside completes; cancelling the parent cancels the child.

#include <string>
#include <vector>

#include "agent/agent_runner_suite.h"
#include "gmock/gmock.h"

namespace stigmer::agent {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

class SubAgentTest : public AgentRunnerTest {
 protected:
  json SubAgent(const std::string& name, const std::string& base_url) const {
    json agent = Agent({});
    agent["name"] = name;
    agent["description"] = "Knows about " + name;
    agent["model"]["base_url"] = base_url;
    return agent;
  }

  // Starts `parent` with its sub-agents resolved as the server does.
  std::string StartWith(const std::string& id, json parent, const json& sub_agents,
                        const std::string& message) {
    json names = json::array();
    for (const auto& [name, sub] : sub_agents.items()) names.push_back(name);
    parent["sub_agents"] = names;
    temporal::StartWorkflowOptions options;
    options.workflow_id = id;
    options.workflow_type = kAgentWorkflowType;
    options.task_queue = queue_;
    options.input = {parent,
                     {{"message", message}, {"sub_agents", sub_agents}},
                     {{"environment", json::object()}, {"secrets", json::object()}}};
    auto run = client_->StartWorkflow(options);
    EXPECT_TRUE(run.ok()) << run.status();
    return id;
  }

  bool WaitCancelled(const std::string& id) {
    return testing::WaitFor(
        [&] {
          auto history = client_->GetFullHistory(id);
          return history.ok() && !history->empty() &&
                 history->back().event_type() == EventType::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED;
        },
        absl::Seconds(20));
  }
};

TEST_F(SubAgentTest, ASubAgentRunsAsAChildWithItsOwnHistoryAndItsAnswerIsTheToolResult) {
  model_.QueueToolCall("c1", "researcher", {{"message", "What is x?"}});
  model_.QueueText("x is 42");  // the child's
  model_.QueueText("The researcher says x is 42.");
  const std::string id =
      StartWith("aex-sub", Agent({}),
                {{"researcher", {{"document", SubAgent("researcher", model_.base_url())}}}},
                "Ask the researcher about x");
  const auto events = WaitClosed(id);
  EXPECT_EQ(Output(events)["answer"], "The researcher says x is 42.") << Output(events).dump();
  EXPECT_EQ(Output(events)["tool_calls"], 1);

  const auto child = WaitClosed(id + "/turns/1/tools/c1#1");
  EXPECT_EQ(Output(child)["answer"], "x is 42");
  const std::vector<json> requests = model_.requests();
  ASSERT_EQ(requests.size(), 3u);
  // The parent's model saw the sub-agent as a tool described by its document.
  EXPECT_THAT(requests[0]["tools"].dump(), HasSubstr("Knows about researcher"));
  EXPECT_EQ(requests[1]["messages"][1]["content"], "What is x?");
  const json& messages = requests[2]["messages"];
  EXPECT_EQ(messages.back()["content"], "x is 42") << messages.dump();
}

TEST_F(SubAgentTest, AFailingSubAgentIsAToolErrorWhileAGoodOneAlongsideCompletes) {
  testing::ScriptedModelServer refusing;
  refusing.Queue({.status = 401, .body = R"({"error":{"message":"Incorrect API key"}})"});
  model_.QueueToolCalls(
      {{{"id", "good"}, {"name", "researcher"}, {"arguments", {{"message", "x?"}}}},
       {{"id", "bad"}, {"name", "broken"}, {"arguments", {{"message", "y?"}}}}});
  model_.QueueText("x is 42");  // the good child's
  model_.QueueText("x is 42; the other one failed.");
  const std::string id =
      StartWith("aex-sub-fail", Agent({}),
                {{"researcher", {{"document", SubAgent("researcher", model_.base_url())}}},
                 {"broken", {{"document", SubAgent("broken", refusing.base_url())}}}},
                "Ask both");
  const auto events = WaitClosed(id);
  EXPECT_EQ(Output(events)["answer"], "x is 42; the other one failed.") << Output(events).dump();
  const std::vector<json> requests = model_.requests();
  ASSERT_EQ(requests.size(), 3u);
  const std::string last = requests[2]["messages"].dump();
  EXPECT_THAT(last, HasSubstr("x is 42"));
  EXPECT_THAT(last, HasSubstr("error: "));
  EXPECT_THAT(last, HasSubstr("Incorrect API key"));
}

TEST_F(SubAgentTest, CancellingTheParentCancelsTheChild) {
  testing::ScriptedModelServer slow;
  slow.Queue({.body = "{}", .held = true});
  model_.QueueToolCall("c1", "slowpoke", {{"message", "Think long"}});
  const std::string id =
      StartWith("aex-sub-cancel", Agent({}),
                {{"slowpoke", {{"document", SubAgent("slowpoke", slow.base_url())}}}}, "Go");
  ASSERT_TRUE(testing::WaitFor([&] { return slow.request_count() == 1; }, absl::Seconds(30)))
      << "the child's model call never started";
  ASSERT_TRUE(client_->RequestCancel(id, "", "asked by the test").ok());
  EXPECT_TRUE(WaitCancelled(id)) << id << " did not end CANCELLED";
  EXPECT_TRUE(WaitCancelled(id + "/turns/1/tools/c1#1")) << "the child was not cancelled";
}

}  // namespace
}  // namespace stigmer::agent

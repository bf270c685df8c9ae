// Approval and cancel of agent runs on the real Temporal dev server, the scripted model server
// choosing the model's answers: a call of a tool that needs approval waits (a marker in history,
// nothing run) until the stigmer.approval signal decides it, across worker restarts; a cancel
// ends a run CANCELLED while its model call or tool is in flight, and stops them.

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "agent/agent_runner_suite.h"
#include "agent/approval.h"
#include "gmock/gmock.h"

namespace stigmer::agent {
namespace {

using ::testing::HasSubstr;

class AgentApprovalTest : public AgentRunnerTest {
 protected:
  nlohmann::json ApprovingAgent() const {
    nlohmann::json agent = Agent({"shell"});
    agent["needs_approval"] = {"shell"};
    return agent;
  }

  // The approval markers the run recorded so far, waiting until there are `count`.
  std::vector<nlohmann::json> WaitApprovals(const std::string& id, size_t count) {
    std::vector<nlohmann::json> markers;
    const bool reached = testing::WaitFor(
        [&] {
          markers.clear();
          auto history = client_->GetFullHistory(id);
          if (!history.ok()) return false;
          for (const durable::HistoryEvent& event : *history) {
            if (!event.has_marker_recorded_event_attributes()) continue;
            const auto& marker = event.marker_recorded_event_attributes();
            if (marker.marker_name() != kApprovalName) continue;
            auto data =
                temporal::DecodeJsonPayloadAt(marker.details().at(durable::kMarkerDetailsKey));
            if (data.ok()) markers.push_back(*data);
          }
          return markers.size() >= count;
        },
        absl::Seconds(30));
    EXPECT_TRUE(reached) << id << " did not wait for approval " << count;
    return markers;
  }

  void Decide(const std::string& id, const std::string& call_id, bool approved,
              const std::string& reason = "") {
    absl::Status sent =
        client_->SignalWorkflow(id, "", kApprovalName, ApprovalSignal(call_id, approved, reason));
    ASSERT_TRUE(sent.ok()) << sent;
  }

  std::filesystem::path Workspace(const std::string& id) const {
    return std::filesystem::path(workspaces_) / id;
  }

  // Waits until the run ends CANCELLED.
  bool WaitCancelled(const std::string& id, absl::Duration timeout) {
    return testing::WaitFor(
        [&] {
          auto history = client_->GetFullHistory(id);
          return history.ok() && !history->empty() &&
                 history->back().event_type() == EventType::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED;
        },
        timeout);
  }
};

TEST_F(AgentApprovalTest, AShellCallWaitsForApprovalAndRunsOnceApproved) {
  model_.QueueToolCall("call_1", "shell", {{"command", "echo yes > approved.txt && echo done"}});
  model_.QueueText("Written.");
  const std::string id = Start("aex-approve", ApprovingAgent(), "Write the file");

  const std::vector<nlohmann::json> markers = WaitApprovals(id, 1);
  ASSERT_EQ(markers.size(), 1u);
  EXPECT_EQ(markers[0]["call"]["id"], "call_1");
  EXPECT_EQ(markers[0]["call"]["name"], "shell");
  EXPECT_EQ(markers[0]["path"], "/turns/1/tools/call_1/approval");
  EXPECT_FALSE(std::filesystem::exists(Workspace(id) / "approved.txt"))
      << "the shell ran before it was approved";
  EXPECT_EQ(model_.request_count(), 1u);

  Decide(id, "call_1", true);
  const auto events = WaitClosed(id);
  EXPECT_EQ(Output(events)["answer"], "Written.");
  EXPECT_TRUE(std::filesystem::exists(Workspace(id) / "approved.txt"));
}

TEST_F(AgentApprovalTest, ApprovedThenDeniedTheModelReadsTheReason) {
  model_.QueueToolCall("call_1", "shell", {{"command", "echo one > one.txt"}});
  model_.QueueToolCall("call_2", "shell", {{"command", "echo two > two.txt"}});
  model_.QueueText("One written, two refused.");
  const std::string id = Start("aex-approve-deny", ApprovingAgent(), "Write both");

  WaitApprovals(id, 1);
  // A decision on another call, and a payload that is not one, decide nothing.
  Decide(id, "call_other", true);
  ASSERT_TRUE(client_->SignalWorkflow(id, "", kApprovalName, "yes please").ok());
  Decide(id, "call_1", true);
  const std::vector<nlohmann::json> markers = WaitApprovals(id, 2);
  ASSERT_EQ(markers.size(), 2u);
  EXPECT_EQ(markers[1]["call"]["id"], "call_2");
  EXPECT_TRUE(std::filesystem::exists(Workspace(id) / "one.txt"));
  Decide(id, "call_2", false, "not on a Friday");

  const auto events = WaitClosed(id);
  EXPECT_EQ(Output(events)["answer"], "One written, two refused.");
  EXPECT_FALSE(std::filesystem::exists(Workspace(id) / "two.txt"));
  const std::vector<nlohmann::json> requests = model_.requests();
  ASSERT_EQ(requests.size(), 3u);
  const nlohmann::json& last = requests[2]["messages"].back();
  EXPECT_EQ(last["role"], "tool");
  EXPECT_THAT(last["content"].get<std::string>(),
              HasSubstr("the user denied this call: not on a Friday"));
}

TEST_F(AgentApprovalTest, TheWaitSurvivesAWorkerRestart) {
  model_.QueueToolCall("call_1", "shell", {{"command", "echo later > later.txt"}});
  model_.QueueText("Done after the restart.");
  const std::string id = Start("aex-approve-restart", ApprovingAgent(), "Write later");
  WaitApprovals(id, 1);

  poller_->Stop();
  poller_ = NewWorker();
  poller_->Start();
  Decide(id, "call_1", true);

  const auto events = WaitClosed(id);
  EXPECT_EQ(Output(events)["answer"], "Done after the restart.");
  EXPECT_TRUE(std::filesystem::exists(Workspace(id) / "later.txt"));
  EXPECT_EQ(model_.request_count(), 2u);
}

TEST_F(AgentApprovalTest, CancelDuringASlowModelCallEndsTheRunAndSparesAnother) {
  testing::ScriptedModelServer slow;
  slow.Queue({.body = "{}", .held = true});
  nlohmann::json slow_agent = Agent({});
  slow_agent["model"]["base_url"] = slow.base_url();
  const std::string id = Start("aex-cancel-model", slow_agent, "Think slowly");
  ASSERT_TRUE(testing::WaitFor([&] { return slow.request_count() == 1; }, absl::Seconds(30)))
      << "the model call never started";

  model_.QueueText("Quick answer.");
  const std::string other = Start("aex-not-cancelled", Agent({}), "Answer quickly");
  ASSERT_TRUE(client_->RequestCancel(id, "", "asked by the test").ok());
  EXPECT_TRUE(WaitCancelled(id, absl::Seconds(10))) << id << " did not end CANCELLED";
  EXPECT_EQ(Output(WaitClosed(other))["answer"], "Quick answer.");

  // The model call learnt of the cancel and stopped: the worker, which finishes the tasks it
  // handles before stopping, stops at once although the answer is still held.
  const absl::Time stopping = absl::Now();
  poller_->Stop();
  EXPECT_LT(absl::Now() - stopping, absl::Seconds(10));
  EXPECT_EQ(slow.request_count(), 1u) << "the cancelled model call was retried";
}

TEST_F(AgentApprovalTest, CancelDuringAShellToolKillsIt) {
  model_.QueueToolCall("call_1", "shell", {{"command", "echo $$ > pid.txt; exec sleep 120"}});
  const std::string id = Start("aex-cancel-shell", Agent({"shell"}), "Sleep");
  const std::filesystem::path pid_file = Workspace(id) / "pid.txt";
  int pid = 0;
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        std::ifstream in(pid_file);
        return static_cast<bool>(in >> pid) && pid > 0;
      },
      absl::Seconds(30)))
      << "the shell tool never started";

  ASSERT_TRUE(client_->RequestCancel(id, "", "asked by the test").ok());
  EXPECT_TRUE(WaitCancelled(id, absl::Seconds(10))) << id << " did not end CANCELLED";
  EXPECT_TRUE(testing::WaitFor([&] { return kill(pid, 0) != 0; }, absl::Seconds(15)))
      << "the shell tool's process " << pid << " still runs after the cancel";
}

}  // namespace
}  // namespace stigmer::agent

// Agents with MCP servers on the real Temporal dev server, with the real servers from npm
// (scripts/setup.sh --test-tools installs them under .cache/mcp) and the scripted model: the
// tool list is taken once, before the first model call, and recorded; calls are activities
// whose results the model reads; a server killed between calls is started again; a server that
// cannot start fails its run (and only its run) before any model call.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "agent/agent_document.h"
#include "agent/agent_runner_suite.h"
#include "agent/mcp_toolset.h"
#include "gmock/gmock.h"

namespace stigmer::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;
namespace fs = std::filesystem;

std::string NpmServer(const std::string& name) {
  return (testing::SourceDir() / ".cache/mcp/node_modules/.bin" / name).string();
}

nlohmann::json FilesystemServer() {
  return {{"name", "fs"},
          {"command", NpmServer("mcp-server-filesystem")},
          {"args", {"."}},
          {"enabled_tools", {"read_text_file", "list_directory"}}};
}

// server-everything behind a shell that writes its pid to server.pid in the workspace, and adds
// it to starts.log.
nlohmann::json EverythingServer() {
  return {{"name", "everything"},
          {"command", "sh"},
          {"args",
           {"-c", "echo $$ > server.pid; echo $$ >> starts.log; exec \"$0\" stdio",
            NpmServer("mcp-server-everything")}}};
}

std::vector<std::string> OfferedTools(const nlohmann::json& request) {
  std::vector<std::string> names;
  for (const nlohmann::json& tool : request.value("tools", nlohmann::json::array())) {
    names.push_back(tool["function"]["name"].get<std::string>());
  }
  return names;
}

// The last message of a model request: the result of the call before it.
std::string LastContent(const nlohmann::json& request) {
  return request["messages"].back().value("content", "");
}

// The detail of the run's failure ("not failed" when it did not fail).
std::string FailureDetail(const std::vector<durable::HistoryEvent>& events) {
  if (events.empty() || !events.back().has_workflow_execution_failed_event_attributes()) {
    return "not failed";
  }
  const auto& failure = events.back().workflow_execution_failed_event_attributes().failure();
  auto problem = temporal::DecodeJsonPayloadAt(failure.application_failure_info().details(), 0);
  return problem.ok() ? problem->value("detail", "") : failure.DebugString();
}

class McpAgentTest : public AgentRunnerTest {
 protected:
  nlohmann::json McpAgent(const std::vector<nlohmann::json>& servers,
                          const std::vector<std::string>& tools = {}) const {
    nlohmann::json agent = Agent(tools);
    agent["mcp_servers"] = servers;
    return agent;
  }

  fs::path Workspace(const std::string& id) const { return fs::path(workspaces_) / id; }
};

TEST_F(McpAgentTest, TheFilesystemServerReadsAFileInTheRunsWorkspace) {
  const std::string id = "aex-mcp-fs";
  fs::create_directories(Workspace(id));
  std::ofstream(Workspace(id) / "notes.txt") << "remember the milk\n";
  model_.QueueToolCall("c1", "fs__read_text_file", {{"path", "notes.txt"}});
  model_.QueueToolCall("c2", "fs__read_text_file", {{"path", "/etc/hostname"}});
  model_.QueueText("The note says: remember the milk.");
  const auto events = WaitClosed(Start(id, McpAgent({FilesystemServer()}), "What does it say?"));

  EXPECT_EQ(Output(events)["answer"], "The note says: remember the milk.") << FailureDetail(events);
  const std::vector<nlohmann::json> requests = model_.requests();
  ASSERT_EQ(requests.size(), 3u);
  // Only the enabled tools, in the server's order, named for the model.
  EXPECT_THAT(OfferedTools(requests[0]), ElementsAre("fs__read_text_file", "fs__list_directory"));
  EXPECT_EQ(LastContent(requests[1]), "remember the milk\n");
  // The server's own refusal (isError) is an error the model reads.
  EXPECT_THAT(LastContent(requests[2]), StartsWith("error: "));
  EXPECT_THAT(LastContent(requests[2]), HasSubstr("Access denied"));

  // The list is a step of its own, recorded before the first model call.
  std::vector<std::string> activities;
  for (const durable::HistoryEvent& event : events) {
    if (event.has_activity_task_scheduled_event_attributes()) {
      activities.push_back(event.activity_task_scheduled_event_attributes().activity_type().name());
    }
  }
  EXPECT_THAT(activities, ElementsAre(kMcpListActivity, kModelActivity, kMcpCallActivity,
                                      kModelActivity, kMcpCallActivity, kModelActivity));
}

TEST_F(McpAgentTest, TheEverythingServerEchoes) {
  model_.QueueToolCall("c1", "everything__echo", {{"message", "hello from the model"}});
  model_.QueueText("It echoed.");
  const auto events = WaitClosed(Start("aex-mcp-echo", McpAgent({EverythingServer()}), "Echo"));
  EXPECT_EQ(Output(events)["answer"], "It echoed.") << FailureDetail(events);
  const std::vector<nlohmann::json> requests = model_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_THAT(OfferedTools(requests[0]), ::testing::Contains("everything__echo"));
  EXPECT_EQ(LastContent(requests[1]), "Echo: hello from the model");
}

TEST_F(McpAgentTest, AServerKilledBetweenTwoCallsIsStartedAgainAndTheCallSucceeds) {
  const std::string id = "aex-mcp-killed";
  model_.QueueToolCall("c1", "everything__echo", {{"message", "one"}});
  model_.QueueToolCall("c2", "shell",
                       {{"command", "cp server.pid first.pid; kill -9 $(cat server.pid)"}});
  model_.QueueToolCall("c3", "everything__echo", {{"message", "two"}});
  model_.QueueText("Both echoed.");
  const auto events =
      WaitClosed(Start(id, McpAgent({EverythingServer()}, {"shell"}), "Echo twice"));

  EXPECT_EQ(Output(events)["answer"], "Both echoed.") << FailureDetail(events);
  const std::vector<nlohmann::json> requests = model_.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(LastContent(requests[1]), "Echo: one");
  EXPECT_THAT(LastContent(requests[2]), StartsWith("exit code 0"));
  EXPECT_EQ(LastContent(requests[3]), "Echo: two");
  std::string first, second;
  std::ifstream(Workspace(id) / "first.pid") >> first;
  std::ifstream(Workspace(id) / "server.pid") >> second;
  EXPECT_FALSE(first.empty());
  EXPECT_NE(first, second) << "the server was not started again";
  // Started for the list, kept for the first call, started again once for the last.
  std::ifstream starts(Workspace(id) / "starts.log");
  std::vector<std::string> pids{std::istream_iterator<std::string>(starts),
                                std::istream_iterator<std::string>()};
  EXPECT_THAT(pids, ElementsAre(first, second));
}

TEST_F(McpAgentTest, AServerThatCannotStartFailsItsRunBeforeAnyModelCallAndOnlyItsRun) {
  model_.QueueToolCall("c1", "everything__echo", {{"message", "fine"}});
  model_.QueueText("The good one is done.");
  nlohmann::json bad = McpAgent({{{"name", "broken"}, {"command", "no-such-mcp-server"}}});
  Start("aex-mcp-bad", bad, "Bad agent's message");
  Start("aex-mcp-good", McpAgent({EverythingServer()}), "Good agent's message");

  const auto bad_events = WaitClosed("aex-mcp-bad");
  const auto good_events = WaitClosed("aex-mcp-good");
  // Substrings, not MatchesRegex: glibc's regexec hung on its own lock in the ASan build.
  EXPECT_THAT(FailureDetail(bad_events),
              ::testing::AllOf(
                  ::testing::StartsWith("the agent's MCP tools could not be listed: the MCP server "
                                        "broken's command \"no-such-mcp-server\" was not found "
                                        "(PATH: "),
                  ::testing::EndsWith("): install it or give its full path")));
  EXPECT_EQ(Output(good_events)["answer"], "The good one is done.") << FailureDetail(good_events);
  for (const nlohmann::json& request : model_.requests()) {
    EXPECT_THAT(request.dump(), ::testing::Not(HasSubstr("Bad agent's message")));
  }
  EXPECT_EQ(model_.request_count(), 2u);
}

TEST_F(McpAgentTest, ASecretReachesTheServersEnvironmentButNoActivityRequest) {
  const std::string id = "aex-mcp-secret";
  nlohmann::json server = EverythingServer();
  server["args"][1] = "echo \"$TOKEN\" > token.txt; exec \"$0\" stdio";
  server["env"] = {{"TOKEN", {{"secret", "TOKEN"}}}};
  model_.QueueToolCall("c1", "everything__echo", {{"message", "hi"}});
  model_.QueueText("Done.");
  temporal::StartWorkflowOptions options;
  options.workflow_id = id;
  options.workflow_type = kAgentWorkflowType;
  options.task_queue = queue_;
  options.input = {
      McpAgent({server}),
      {{"message", "Go"}},
      {{"environment", nlohmann::json::object()}, {"secrets", {{"TOKEN", "tok-4f9a2c"}}}}};
  ASSERT_TRUE(client_->StartWorkflow(options).ok());
  const auto events = WaitClosed(id);

  EXPECT_EQ(Output(events)["answer"], "Done.") << FailureDetail(events);
  std::string token;
  std::ifstream(Workspace(id) / "token.txt") >> token;
  EXPECT_EQ(token, "tok-4f9a2c");
  for (const durable::HistoryEvent& event : events) {
    if (!event.has_activity_task_scheduled_event_attributes()) continue;
    EXPECT_THAT(event.activity_task_scheduled_event_attributes().input().DebugString(),
                ::testing::Not(HasSubstr("tok-4f9a2c")));
  }
}

// examples/agents/mcp-files.yaml, as the README shows it, with the scripted model; the server
// from .cache/mcp rather than through npx, which would fetch it from npm.
TEST_F(McpAgentTest, TheMcpFilesExampleReadsAFileOfItsWorkspace) {
  std::ifstream file(testing::SourceDir() / "examples/agents/mcp-files.yaml");
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  absl::StatusOr<AgentDocument> example = ParseAgentDocument(text);
  ASSERT_TRUE(example.ok()) << example.status();
  nlohmann::json agent = nlohmann::json::parse(example->json.dump());
  agent["model"] = Agent({})["model"];
  nlohmann::json& server = agent["mcp_servers"][0];
  ASSERT_EQ(server["command"], "npx");
  ASSERT_EQ(server["args"].back(), ".");
  server["command"] = NpmServer("mcp-server-filesystem");
  server["args"] = {"."};

  const std::string id = "aex-mcp-example";
  fs::create_directories(Workspace(id));
  std::ofstream(Workspace(id) / "todo.txt") << "water the plants\n";
  model_.QueueToolCall("c1", "fs__read_text_file", {{"path", "todo.txt"}});
  model_.QueueText("It says: water the plants.");
  const auto events = WaitClosed(Start(id, agent, "What is in todo.txt?"));
  EXPECT_EQ(Output(events)["answer"], "It says: water the plants.") << FailureDetail(events);
  const std::vector<nlohmann::json> requests = model_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_THAT(OfferedTools(requests[0]),
              ElementsAre("fs__read_text_file", "fs__list_directory", "fs__search_files"));
  EXPECT_EQ(LastContent(requests[1]), "water the plants\n");
}

class McpAgentTimeoutTest : public McpAgentTest {
 protected:
  McpAgentTimeoutTest() { mcp_limits_.call_timeout = absl::Seconds(1); }
};

TEST_F(McpAgentTimeoutTest, ACallThatTimesOutIsAnErrorTheModelReads) {
  model_.QueueToolCall("c1", "everything__trigger-long-running-operation",
                       {{"duration", 30}, {"steps", 30}});
  model_.QueueToolCall("c2", "everything__echo", {{"message", "quick"}});
  model_.QueueText("The slow one timed out.");
  const auto events = WaitClosed(Start("aex-mcp-slow", McpAgent({EverythingServer()}), "Go"));
  EXPECT_EQ(Output(events)["answer"], "The slow one timed out.") << FailureDetail(events);
  const std::vector<nlohmann::json> requests = model_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_THAT(LastContent(requests[1]), StartsWith("error: "));
  EXPECT_THAT(LastContent(requests[1]), HasSubstr("did not answer in time"));
  EXPECT_EQ(LastContent(requests[2]), "Echo: quick");
}

}  // namespace
}  // namespace stigmer::agent

// `call: mcp` against the real npm MCP server `server-everything` (from .cache/mcp, see
// scripts/setup.sh): the activity alone, then a workflow on the real Temporal dev server where a
// good call and a failing one run at the same time.

#include <string>

#include "gmock/gmock.h"
#include "testing/test_env.h"
#include "workflow/mcp_call_activity.h"
#include "workflow/workflow_runner_suite.h"

namespace stigmer::workflow {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

std::string Everything() {
  return (testing::SourceDir() / ".cache/mcp/node_modules/.bin/mcp-server-everything").string();
}

class FakeControl : public activities::ActivityControl {
 public:
  bool KeepGoing() override { return true; }
};

activities::ActivityResult Mcp(const std::string& method, const json& parameters,
                               const std::string& command = Everything(),
                               const activities::ActivityLimits& limits = {},
                               const json& arguments = {"stdio"}) {
  FakeControl control;
  return RunMcpCallActivity(
      {{"task", "/do/0/mcp"},
       {"input", json::object()},
       {"with",
        {{"method", method},
         {"parameters", parameters},
         {"transport", {{"stdio", {{"command", command}, {"arguments", arguments}}}}}}}},
      limits, control);
}

TEST(McpCallActivity, ListsAndCallsToolsAndReadsResourcesOfARealServer) {
  activities::ActivityResult listed = Mcp("tools/list", json::object());
  ASSERT_TRUE(listed.ok()) << listed.error.ToJson();
  EXPECT_THAT(listed.output.dump(), HasSubstr("\"echo\""));
  activities::ActivityResult echoed =
      Mcp("tools/call", {{"name", "echo"}, {"arguments", {{"message", "durable hello"}}}});
  ASSERT_TRUE(echoed.ok()) << echoed.error.ToJson();
  EXPECT_THAT(echoed.output["content"][0]["text"].get<std::string>(), HasSubstr("durable hello"));
  activities::ActivityResult resources = Mcp("resources/list", json::object());
  ASSERT_TRUE(resources.ok()) << resources.error.ToJson();
  EXPECT_TRUE(resources.output.contains("resources")) << resources.output;
}

TEST(McpCallActivity, ServerErrorsAndMissingCommandsAreRuntimeErrors) {
  activities::ActivityResult unknown = Mcp("tools/call", {{"name", "no-such-tool"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error.type, std::string(durable::kErrorTypePrefix) + "runtime");
  EXPECT_EQ(unknown.error.title, "MCP call failed");
  EXPECT_THAT(unknown.error.detail, HasSubstr("the tool no-such-tool of "));
  activities::ActivityResult missing = Mcp("tools/list", json::object(), "no-such-mcp-server");
  EXPECT_EQ(missing.error.title, "MCP call failed");
  EXPECT_THAT(missing.error.detail, HasSubstr("\"no-such-mcp-server\" was not found"));
}

TEST(McpCallActivity, ServerThatNeverAnswersTimesOut) {
  activities::ActivityLimits limits;
  limits.http_timeout = absl::Seconds(2);
  const absl::Time start = absl::Now();
  activities::ActivityResult result = Mcp("tools/list", json::object(), "sleep", limits, {"60"});
  EXPECT_EQ(result.error.title, "MCP call timed out") << result.error.ToJson();
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
}

TEST(McpCallActivity, HugeAnswerIsRefusedNotBuffered) {
  activities::ActivityLimits limits;
  limits.max_output_bytes = 2048;  // the handshake fits, the list of every tool does not
  activities::ActivityResult result = Mcp("tools/list", json::object(), Everything(), limits);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error.title, "MCP call failed");
  EXPECT_THAT(result.error.detail, HasSubstr("2048")) << result.error.detail;
  // A small answer under the same limit still comes back.
  EXPECT_TRUE(Mcp("tools/call", {{"name", "echo"}, {"arguments", {{"message", "hi"}}}},
                  Everything(), limits)
                  .ok());
}

TEST_F(WorkflowRunnerTest, McpCallCompletesBesideAFailingOne) {
  auto body = [](const std::string& tool) {
    return absl::StrCat(R"(do:
  - ask:
      call: mcp
      with:
        method: tools/call
        parameters: {name: )",
                        tool, R"(, arguments: {message: '${ .say }'}}
        transport:
          stdio: {command: ')",
                        Everything(), R"(', arguments: [stdio]}
)");
  };
  const std::string good = Start("mcp_good", body("echo"), {{"say", "from a workflow"}});
  const std::string bad = Start("mcp_bad", body("no-such-tool"), {{"say", "x"}});
  std::vector<durable::HistoryEvent> events = WaitClosed(good, absl::Seconds(60));
  EXPECT_THAT(Output(events).dump(), HasSubstr("from a workflow"));
  events = WaitClosed(bad, absl::Seconds(60));
  ASSERT_TRUE(events.back().has_workflow_execution_failed_event_attributes());
  auto problem = temporal::DecodeJsonPayloadAt(events.back()
                                                   .workflow_execution_failed_event_attributes()
                                                   .failure()
                                                   .application_failure_info()
                                                   .details());
  ASSERT_TRUE(problem.ok());
  EXPECT_EQ((*problem)["title"], "MCP call failed");
  EXPECT_EQ((*problem)["instance"], "/do/0/ask");
}

}  // namespace
}  // namespace stigmer::workflow

#include "agent/builtin_tools.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stigmer::agent {
namespace {

using ::testing::HasSubstr;

const AgentTool& Tool(const std::vector<AgentTool>& tools, const std::string& name) {
  for (const AgentTool& tool : tools) {
    if (tool.spec.name == name) return tool;
  }
  static const AgentTool kNone;
  return kNone;
}

TEST(BuiltInTools, TheNamedToolsInOrderWithTheirApproval) {
  const auto tools = BuiltInTools({"files", "shell", "todos"}, {"shell"});
  ASSERT_EQ(tools.size(), 3u);
  EXPECT_EQ(tools[0].spec.name, "files");
  EXPECT_EQ(tools[1].runner, "shell");
  EXPECT_TRUE(tools[1].needs_approval);
  EXPECT_FALSE(tools[0].needs_approval);
  EXPECT_EQ(tools[0].spec.parameters["required"][0], "operation");
}

TEST(BuiltInTools, AShellCallRunsAllReturnedInTheWorkspaceWithItsTimeout) {
  const auto tools = BuiltInTools({"shell"}, {});
  ToolCall call{
      .id = "c1", .name = "shell", .arguments = {{"command", "ls"}, {"timeout_seconds", 5}}};
  auto activity = BuiltInToolActivity(Tool(tools, "shell"), call, "/turns/1/tools/c1", "/ws/r1");
  ASSERT_TRUE(activity.ok()) << activity.status();
  EXPECT_EQ(activity->type, kShellToolActivity);
  EXPECT_EQ(activity->request["shell"]["command"], "ls");
  EXPECT_EQ(activity->request["return"], "all");
  EXPECT_EQ(activity->request["working_dir"], "/ws/r1");
  EXPECT_EQ(activity->request["timeout_ms"], 5000);
  EXPECT_EQ(activity->request["task"], "/turns/1/tools/c1");
}

TEST(BuiltInTools, CallsWithoutWhatTheToolNeedsSayWhatIsMissing) {
  const auto tools = BuiltInTools({"shell", "http", "files"}, {});
  ToolCall empty{.id = "c1", .name = "x"};
  EXPECT_THAT(BuiltInToolActivity(Tool(tools, "shell"), empty, "/p", "/ws").status().message(),
              HasSubstr("`command`"));
  EXPECT_THAT(BuiltInToolActivity(Tool(tools, "http"), empty, "/p", "/ws").status().message(),
              HasSubstr("`url`"));
  EXPECT_THAT(BuiltInToolActivity(Tool(tools, "files"), empty, "/p", "/ws").status().message(),
              HasSubstr("`operation`"));
}

TEST(BuiltInTools, AnHttpCallIsTheHttpActivitysGet) {
  const auto tools = BuiltInTools({"http"}, {});
  ToolCall call{.id = "c1", .name = "http", .arguments = {{"url", "http://example.test/x"}}};
  auto activity = BuiltInToolActivity(Tool(tools, "http"), call, "/p", "/ws");
  ASSERT_TRUE(activity.ok());
  EXPECT_EQ(activity->type, kHttpToolActivity);
  EXPECT_EQ(activity->request["with"]["method"], "get");
  EXPECT_EQ(activity->request["with"]["endpoint"], "http://example.test/x");
}

TEST(BuiltInTools, TheShellsResultIsItsCodeAndStreamsAndLongResultsAreCut) {
  EXPECT_EQ(BuiltInToolText("shell", {{"code", 1}, {"stdout", "out"}, {"stderr", ""}}),
            "exit code 1\nstdout:\nout");
  const std::string text = BuiltInToolText("http", std::string(5000, 'x'), 100);
  EXPECT_LT(text.size(), 200u);
  EXPECT_THAT(text, HasSubstr("more bytes"));
}

}  // namespace
}  // namespace stigmer::agent

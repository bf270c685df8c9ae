// MCP tools as the agent's tools: the names the model sees, enabled_tools, needs_approval, and
// what a call becomes (the request) and what the model reads of its result.

#include "agent/mcp_toolset.h"

#include <string>
#include <vector>

#include "agent/mcp_steps.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "re2/re2.h"

namespace stigmer::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// OpenAI's rule for function names.
bool OpenAiAccepts(const std::string& name) { return RE2::FullMatch(name, "[a-zA-Z0-9_-]{1,64}"); }

std::vector<McpTool> Tools(const std::vector<std::string>& names) {
  std::vector<McpTool> tools;
  for (const std::string& name : names) tools.push_back({.name = name});
  return tools;
}

std::vector<std::string> Names(const std::vector<McpTool>& tools) {
  std::vector<std::string> names;
  for (const McpTool& tool : tools) names.push_back(tool.name);
  return names;
}

TEST(McpToolsetTest, TheModelSeesServerAndToolJoinedByTwoUnderscores) {
  EXPECT_EQ(McpModelToolName("fs", "read_text_file"), "fs__read_text_file");
  EXPECT_EQ(McpModelToolName("everything", "trigger-long-running-operation"),
            "everything__trigger-long-running-operation");
}

TEST(McpToolsetTest, CharactersOpenAiRefusesBecomeUnderscores) {
  const std::string name = McpModelToolName("gh", "repos.get/contents é");
  EXPECT_EQ(name, "gh__repos_get_contents___");
  EXPECT_TRUE(OpenAiAccepts(name));
}

TEST(McpToolsetTest, ALongNameIsCutToSixtyFourTheSameWayEveryTime) {
  const std::string server(40, 's');
  const std::string first = McpModelToolName(server, std::string(40, 'a') + "_one");
  const std::string second = McpModelToolName(server, std::string(40, 'a') + "_two");
  EXPECT_EQ(first.size(), 64u);
  EXPECT_TRUE(OpenAiAccepts(first)) << first;
  EXPECT_NE(first, second);
  EXPECT_EQ(first, McpModelToolName(server, std::string(40, 'a') + "_one"));
}

TEST(McpToolsetTest, TwoToolsThatReadAlikeOnceCleanedStayApart) {
  McpToolset toolset;
  toolset.AddServer("api", Tools({"get.user", "get_user"}), {});
  ASSERT_EQ(toolset.tools().size(), 2u);
  const std::string first = toolset.tools()[0].spec.name;
  const std::string second = toolset.tools()[1].spec.name;
  EXPECT_EQ(first, "api__get_user");
  EXPECT_NE(first, second);
  EXPECT_TRUE(OpenAiAccepts(second)) << second;
  EXPECT_EQ(toolset.Find(first)->tool, "get.user");
  EXPECT_EQ(toolset.Find(second)->tool, "get_user");
  EXPECT_EQ(toolset.Find(second)->server, "api");
  EXPECT_EQ(toolset.Find("api__nothing"), nullptr);
}

TEST(McpToolsetTest, ToolsRunOnTheirServerWithAnObjectSchemaAndADescription) {
  McpToolset toolset;
  toolset.AddServer("fs",
                    {{.name = "read",
                      .description = "Reads a file",
                      .input_schema = {{"properties", {{"path", {{"type", "string"}}}}}}},
                     {.name = "odd", .input_schema = "not a schema"}},
                    {});
  const AgentTool& read = toolset.tools()[0];
  EXPECT_EQ(read.runner, "mcp:fs");
  EXPECT_EQ(read.spec.description, "Reads a file");
  EXPECT_EQ(read.spec.parameters["type"], "object");
  EXPECT_EQ(read.spec.parameters["properties"]["path"]["type"], "string");
  const AgentTool& odd = toolset.tools()[1];
  EXPECT_EQ(odd.spec.description, "odd (MCP server fs)");
  EXPECT_EQ(odd.spec.parameters,
            nlohmann::json({{"type", "object"}, {"properties", nlohmann::json::object()}}));
}

TEST(McpToolsetTest, NeedsApprovalNamesAServerOrOneOfItsTools) {
  McpToolset toolset;
  toolset.AddServer("fs", Tools({"read", "write"}), {"fs/write", "gh"});
  toolset.AddServer("gh", Tools({"issues"}), {"fs/write", "gh"});
  toolset.AddServer("other", Tools({"fs"}), {"fs/write", "gh"});
  ASSERT_EQ(toolset.tools().size(), 4u);
  EXPECT_FALSE(toolset.tools()[0].needs_approval);
  EXPECT_TRUE(toolset.tools()[1].needs_approval);
  EXPECT_TRUE(toolset.tools()[2].needs_approval);
  EXPECT_FALSE(toolset.tools()[3].needs_approval);
}

TEST(McpToolsetTest, EnabledToolsKeepsThoseNamedInTheServersOrder) {
  const std::vector<McpTool> offered = Tools({"list", "read", "write"});
  auto all = EnabledMcpTools("fs", offered, std::nullopt);
  ASSERT_TRUE(all.ok());
  EXPECT_THAT(Names(*all), ElementsAre("list", "read", "write"));
  auto some = EnabledMcpTools("fs", offered, std::vector<std::string>{"write", "list"});
  ASSERT_TRUE(some.ok());
  EXPECT_THAT(Names(*some), ElementsAre("list", "write"));
  auto none = EnabledMcpTools("fs", offered, std::vector<std::string>{});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(McpToolsetTest, AnEnabledToolTheServerLacksIsAnErrorSayingWhatItOffers) {
  auto enabled =
      EnabledMcpTools("fs", Tools({"list", "read"}), std::vector<std::string>{"read", "raed"});
  ASSERT_FALSE(enabled.ok());
  EXPECT_EQ(enabled.status().message(),
            "enabled_tools of the MCP server fs names raed, which the server does not offer; it "
            "offers: list, read");
}

TEST(McpToolsetTest, TheRecordedListReadsBackAsItWasWritten) {
  const std::vector<McpTool> tools = {
      {.name = "read", .description = "Reads", .input_schema = {{"type", "object"}}}};
  const std::vector<McpTool> read = McpToolsFromJson(McpToolsToJson(tools));
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].name, "read");
  EXPECT_EQ(read[0].description, "Reads");
  EXPECT_EQ(read[0].input_schema, tools[0].input_schema);
  EXPECT_TRUE(McpToolsFromJson("garbage").empty());
}

TEST(McpStepsTest, ACallNamesServerToolAndArgumentsAndNothingElse) {
  McpToolset toolset;
  toolset.AddServer("fs", Tools({"read.file"}), {});
  const ToolCall call{.id = "c1", .name = "fs__read_file", .arguments = {{"path", "a.txt"}}};
  auto activity = McpToolActivity(toolset, call, "/turns/1/tools/c1");
  ASSERT_TRUE(activity.ok()) << activity.status();
  EXPECT_EQ(activity->type, kMcpCallActivity);
  EXPECT_EQ(activity->request, nlohmann::json({{"task", "/turns/1/tools/c1"},
                                               {"server", "fs"},
                                               {"tool", "read.file"},
                                               {"arguments", {{"path", "a.txt"}}}}));
  auto unknown = McpToolActivity(toolset, {.id = "c2", .name = "fs__nope"}, "/turns/1/tools/c2");
  EXPECT_THAT(std::string(unknown.status().message()), HasSubstr("\"fs__nope\" is not a tool"));
  EXPECT_EQ(McpToolsPath("fs"), "/mcp/fs/tools");
}

TEST(McpStepsTest, TheModelReadsTheTextAndWhetherTheToolFailed) {
  const ToolOutput done = McpToolOutput({{"text", "hello"}, {"is_error", false}});
  EXPECT_EQ(done.text, "hello");
  EXPECT_FALSE(done.is_error);
  EXPECT_TRUE(McpToolOutput({{"text", "Access denied"}, {"is_error", true}}).is_error);
  EXPECT_FALSE(McpToolOutput({{"text", "x"}, {"is_error", "yes"}}).is_error);
}

}  // namespace
}  // namespace stigmer::agent

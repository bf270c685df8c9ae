// An agent's mcp_servers entry resolved for a run: the environment the server gets (never
// agent-runner's secrets), {env}/{secret} values, and a working folder that stays in the
// workspace.

#include "agent/mcp_launch.h"

#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace stigmer::agent {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;
namespace fs = std::filesystem;

nlohmann::json Agent(nlohmann::json server) {
  return {{"kind", "Agent"}, {"name", "a"}, {"mcp_servers", {std::move(server)}}};
}

EnvironmentLookup AgentRunnerEnvironment() {
  return testing::FakeEnvironment({{"PATH", "/usr/bin:/bin"},
                                   {"HOME", "/home/me"},
                                   {"OPENAI_API_KEY", "sk-not-for-servers"},
                                   {"GITHUB_TOKEN", "ghp-from-env"}});
}

TEST(McpLaunchTest, TheServerGetsAFewInheritedVariablesAndItsOwn) {
  testing::TempDir temp;
  auto launch = ResolveMcpServer(
      Agent(
          {{"name", "gh"},
           {"command", "npx"},
           {"args", {"-y", "server-github"}},
           {"env",
            {{"MODE", "ro"}, {"TOKEN", {{"env", "GITHUB_TOKEN"}}}, {"KEY", {{"secret", "GH"}}}}}}),
      "gh", {{"GH", "s3cret"}}, AgentRunnerEnvironment(), (temp.path() / "ws").string());
  ASSERT_TRUE(launch.ok()) << launch.status();
  EXPECT_EQ(launch->config.name, "gh");
  EXPECT_THAT(launch->config.argv, ::testing::ElementsAre("npx", "-y", "server-github"));
  EXPECT_THAT(launch->config.env,
              UnorderedElementsAre("PATH=/usr/bin:/bin", "HOME=/home/me", "MODE=ro",
                                   "TOKEN=ghp-from-env", "KEY=s3cret"));
  EXPECT_FALSE(launch->enabled_tools.has_value());
}

TEST(McpLaunchTest, TheServersOwnPathReplacesTheInheritedOne) {
  testing::TempDir temp;
  auto launch = ResolveMcpServer(Agent({{"name", "fs"},
                                        {"command", "srv"},
                                        {"env", {{"PATH", "/opt/bin"}}},
                                        {"enabled_tools", {"read"}}}),
                                 "fs", nlohmann::json::object(), AgentRunnerEnvironment(),
                                 (temp.path() / "ws").string());
  ASSERT_TRUE(launch.ok()) << launch.status();
  EXPECT_THAT(launch->config.env, UnorderedElementsAre("HOME=/home/me", "PATH=/opt/bin"));
  EXPECT_EQ(launch->enabled_tools, std::vector<std::string>{"read"});
}

TEST(McpLaunchTest, AMissingSecretSaysHowToPassIt) {
  testing::TempDir temp;
  auto launch = ResolveMcpServer(
      Agent({{"name", "gh"}, {"command", "srv"}, {"env", {{"TOKEN", {{"secret", "GH"}}}}}}), "gh",
      nlohmann::json::object(), AgentRunnerEnvironment(), (temp.path() / "ws").string());
  ASSERT_FALSE(launch.ok());
  EXPECT_EQ(launch.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(launch.status().message(),
            "the MCP server gh needs TOKEN from the secret GH, which this run was not given; pass "
            "it with `stigmer run … --secret GH=…`");
}

TEST(McpLaunchTest, AMissingVariableSaysWhereToSetIt) {
  testing::TempDir temp;
  auto launch = ResolveMcpServer(
      Agent({{"name", "gh"}, {"command", "srv"}, {"env", {{"TOKEN", {{"env", "NOPE"}}}}}}), "gh",
      nlohmann::json::object(), AgentRunnerEnvironment(), (temp.path() / "ws").string());
  ASSERT_FALSE(launch.ok());
  EXPECT_EQ(launch.status().message(),
            "the MCP server gh needs TOKEN from the environment variable NOPE, which agent-runner "
            "does not have; set it where `stigmer server` runs");
}

TEST(McpLaunchTest, TheWorkingFolderIsTheWorkspaceOrAFolderMadeInIt) {
  testing::TempDir temp;
  const fs::path workspace = temp.path() / "ws";
  auto plain =
      ResolveMcpServer(Agent({{"name", "fs"}, {"command", "srv"}}), "fs", nlohmann::json::object(),
                       AgentRunnerEnvironment(), workspace.string());
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(fs::path(plain->config.working_dir), fs::canonical(workspace));
  EXPECT_EQ(fs::status(workspace).permissions() & fs::perms::all, fs::perms::owner_all);

  auto sub =
      ResolveMcpServer(Agent({{"name", "fs"}, {"command", "srv"}, {"working_dir", "a/b"}}), "fs",
                       nlohmann::json::object(), AgentRunnerEnvironment(), workspace.string());
  ASSERT_TRUE(sub.ok()) << sub.status();
  EXPECT_EQ(fs::path(sub->config.working_dir), fs::canonical(workspace) / "a" / "b");
  EXPECT_TRUE(fs::is_directory(workspace / "a" / "b"));
}

TEST(McpLaunchTest, AWorkingFolderOutsideTheWorkspaceIsRefused) {
  testing::TempDir temp;
  const fs::path workspace = temp.path() / "ws";
  fs::create_directories(workspace);
  fs::create_directory_symlink(temp.path(), workspace / "up");
  for (const std::string dir : {"..", "/etc", "a/../../x", "up", "up/ws"}) {
    auto launch =
        ResolveMcpServer(Agent({{"name", "fs"}, {"command", "srv"}, {"working_dir", dir}}), "fs",
                         nlohmann::json::object(), AgentRunnerEnvironment(), workspace.string());
    ASSERT_FALSE(launch.ok()) << dir;
    EXPECT_EQ(launch.status().code(), absl::StatusCode::kPermissionDenied) << dir;
    EXPECT_THAT(
        std::string(launch.status().message()),
        HasSubstr("the working_dir of the MCP server fs: " + dir + " is outside the workspace"));
  }
  EXPECT_FALSE(fs::exists(temp.path() / "x"));
}

TEST(McpLaunchTest, AServerTheDocumentLacksIsNotFound) {
  testing::TempDir temp;
  auto launch =
      ResolveMcpServer(Agent({{"name", "fs"}, {"command", "srv"}}), "gh", nlohmann::json::object(),
                       AgentRunnerEnvironment(), (temp.path() / "ws").string());
  EXPECT_EQ(launch.status().code(), absl::StatusCode::kNotFound);
}

TEST(McpLaunchTest, TheCommandLineIsShownQuotedWhereNeeded) {
  EXPECT_EQ(McpCommandLine({.argv = {"npx", "-y", "@scope/server", "my folder", ""}}),
            "npx -y @scope/server \"my folder\" \"\"");
}

}  // namespace
}  // namespace stigmer::agent

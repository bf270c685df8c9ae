// The MCP client against the real servers from npm (installed by scripts/setup.sh --test-tools
// under .cache/mcp) and against scripted servers that misbehave on purpose.

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "agent/mcp/mcp_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace stigmer::agent {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

std::string SearchPath() {
  const char* path = std::getenv("PATH");
  return path != nullptr ? path : "/usr/bin:/bin";
}

std::vector<std::string> Environment() { return {"PATH=" + SearchPath(), "HOME=/tmp"}; }

fs::path NpmServer(const std::string& name) {
  return testing::SourceDir() / ".cache/mcp/node_modules/.bin" / name;
}

// A server written in sh: `script` runs with our requests on its stdin.
McpServerConfig Scripted(const std::string& script) {
  return {.name = "scripted", .argv = {"sh", "-c", script}, .env = Environment()};
}

constexpr char kInitialized[] =
    R"(echo '{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18","serverInfo":{"name":"scripted"}}}')";

TEST(McpClientIntegration, FilesystemServerListsItsToolsAndReadsAFileInItsFolder) {
  testing::TempDir dir;
  std::ofstream(dir.path() / "notes.txt") << "remember the milk\n";
  McpServerConfig config{.name = "fs",
                         .argv = {NpmServer("mcp-server-filesystem").string(), dir.path().string()},
                         .env = Environment()};
  auto client = McpClient::Start(config, SearchPath(), absl::Seconds(30));
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ((*client)->server_info().value("name", ""), "secure-filesystem-server");

  auto tools = (*client)->ListTools(absl::Seconds(10));
  ASSERT_TRUE(tools.ok()) << tools.status();
  std::vector<std::string> names;
  for (const McpTool& tool : *tools) names.push_back(tool.name);
  EXPECT_THAT(names, ::testing::Contains("read_text_file"));

  auto read = (*client)->CallTool("read_text_file", {{"path", (dir.path() / "notes.txt").string()}},
                                  absl::Seconds(10), [] { return true; });
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_FALSE(read->is_error);
  EXPECT_EQ(read->text, "remember the milk\n");

  // Outside its folder the server refuses: a tool error for the model, not a failed call.
  auto outside = (*client)->CallTool("read_text_file", {{"path", "/etc/hostname"}},
                                     absl::Seconds(10), [] { return true; });
  ASSERT_TRUE(outside.ok()) << outside.status();
  EXPECT_TRUE(outside->is_error);
  EXPECT_THAT(outside->text, HasSubstr("Access denied"));
}

TEST(McpClientIntegration, EverythingServerEchoesAndALongCallIsCancelled) {
  McpServerConfig config{.name = "everything",
                         .argv = {NpmServer("mcp-server-everything").string(), "stdio"},
                         .env = Environment()};
  auto client = McpClient::Start(config, SearchPath(), absl::Seconds(30));
  ASSERT_TRUE(client.ok()) << client.status();
  auto echo = (*client)->CallTool("echo", {{"message", "hi there"}}, absl::Seconds(10),
                                  [] { return true; });
  ASSERT_TRUE(echo.ok()) << echo.status();
  EXPECT_THAT(echo->text, HasSubstr("hi there"));

  // A 60 s operation sends progress notifications; cancelling it returns at once.
  const absl::Time cancel_at = absl::Now() + absl::Seconds(2);
  const absl::Time start = absl::Now();
  auto slow =
      (*client)->CallTool("trigger-long-running-operation", {{"duration", 60}, {"steps", 60}},
                          absl::Seconds(90), [&] { return absl::Now() < cancel_at; });
  EXPECT_TRUE(absl::IsCancelled(slow.status())) << slow.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  // The client is still usable: the late answer to the cancelled call is skipped.
  auto again = (*client)->CallTool("echo", {{"message", "still here"}}, absl::Seconds(10),
                                   [] { return true; });
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_THAT(again->text, HasSubstr("still here"));
}

TEST(McpClientIntegration, NotificationsAreSkippedAndServerRequestsAnswered) {
  const std::string script = absl::StrCat(
      "read init; "
      R"(echo '{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info"}}'; )"
      R"(echo '{"jsonrpc":"2.0","id":"s1","method":"roots/list"}'; )"
      "read answer; case \"$answer\" in *-32601*) ",
      kInitialized, ";; esac; cat >/dev/null");
  auto client = McpClient::Start(Scripted(script), SearchPath(), absl::Seconds(10));
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ((*client)->server_info().value("name", ""), "scripted");
}

TEST(McpClientIntegration, AServerThatDiesIsReportedWithItsLastWords) {
  auto client = McpClient::Start(Scripted("read init; echo 'missing API key' >&2; exit 3"),
                                 SearchPath(), absl::Seconds(10));
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(client.status().message()),
              HasSubstr("the MCP server scripted exited with code 3 while waiting for an answer; "
                        "its last words: missing API key"));
}

TEST(McpClientIntegration, AServerThatNeverAnswersTimesOut) {
  const absl::Time start = absl::Now();
  auto client = McpClient::Start(Scripted("cat >/dev/null"), SearchPath(), absl::Seconds(1));
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().message(), "the MCP server scripted did not answer in time");
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST(McpClientIntegration, AStartIsAskedWhetherToGoOnAndStopsWhenTold) {
  const absl::Time start = absl::Now();
  int asked = 0;
  auto client = McpClient::Start(Scripted("cat >/dev/null"), SearchPath(), absl::Seconds(60),
                                 [&] { return ++asked < 3; });
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(asked, 3);
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
}

TEST(McpClientIntegration, AnEndlessLineIsRefusedNotBuffered) {
  McpServerConfig config = Scripted("read init; head -c 200000 /dev/zero | tr '\\0' x; cat");
  config.max_message_bytes = 64 * 1024;
  auto client = McpClient::Start(config, SearchPath(), absl::Seconds(10));
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(client.status().message()), HasSubstr("longer than 65536 bytes"));
}

TEST(McpClientIntegration, AMissingCommandNamesWhatToInstall) {
  McpServerConfig config{.name = "gh", .argv = {"no-such-mcp-server"}, .env = Environment()};
  auto client = McpClient::Start(config, "/nowhere", absl::Seconds(1));
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().message(),
            "the MCP server gh's command \"no-such-mcp-server\" was not found (PATH: /nowhere): "
            "install it or give its full path");
}

}  // namespace
}  // namespace stigmer::agent

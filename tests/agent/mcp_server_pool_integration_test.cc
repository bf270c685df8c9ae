// The worker's MCP servers (McpServerPool) with the real server-everything from npm: one process
// per run and server, reused; a server killed between calls is started again; one that dies
// every time fails the call after one more try; an idle one is stopped; a slow call times out
// without losing the server.

#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "agent/mcp/mcp_server_pool.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace stigmer::agent {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

const auto kKeepGoing = [] { return true; };

std::string Path() {
  const char* path = std::getenv("PATH");
  return path != nullptr ? path : "/usr/bin:/bin";
}

// server-everything, started by a shell that first writes its pid to `pid_file`.
McpServerConfig Everything(const fs::path& pid_file) {
  const fs::path server =
      testing::SourceDir() / ".cache/mcp/node_modules/.bin/mcp-server-everything";
  return {
      .name = "everything",
      .argv = {"sh", "-c", absl::StrCat("echo $$ > '", pid_file.string(), "'; exec \"$0\" stdio"),
               server.string()},
      .env = {"PATH=" + Path(), "HOME=/tmp"}};
}

pid_t ReadPid(const fs::path& file) {
  pid_t pid = 0;
  std::ifstream(file) >> pid;
  return pid;
}

class McpServerPoolTest : public ::testing::Test {
 protected:
  // The config source for `run`'s server: counts the starts.
  McpServerPool::ConfigSource Source(const std::string& run) {
    return [this, run]() -> absl::StatusOr<McpServerConfig> {
      ++starts_;
      return Everything(temp_.path() / (run + ".pid"));
    };
  }

  absl::StatusOr<McpCallResult> Echo(McpServerPool& pool, const std::string& run,
                                     const std::string& message) {
    return pool.CallTool(run, "everything", Source(run), "echo", {{"message", message}},
                         absl::Seconds(30), kKeepGoing);
  }

  testing::TempDir temp_;
  std::atomic<int> starts_ = 0;
};

TEST_F(McpServerPoolTest, ARunsServerIsStartedOnceAndReusedByItsCalls) {
  McpServerPool pool({});
  auto tools =
      pool.ListTools("run-1", "everything", Source("run-1"), absl::Seconds(30), kKeepGoing);
  ASSERT_TRUE(tools.ok()) << tools.status();
  EXPECT_FALSE(tools->empty());
  auto first = Echo(pool, "run-1", "one");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(first->text, HasSubstr("one"));
  auto second = Echo(pool, "run-1", "two");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(starts_, 1);
  EXPECT_EQ(pool.running(), 1u);

  // Another run has a server of its own.
  ASSERT_TRUE(Echo(pool, "run-2", "three").ok());
  EXPECT_EQ(starts_, 2);
  EXPECT_EQ(pool.running(), 2u);
  EXPECT_NE(ReadPid(temp_.path() / "run-1.pid"), ReadPid(temp_.path() / "run-2.pid"));
}

TEST_F(McpServerPoolTest, CallsOfOneRunsServerAtOnceTakeTurnsOnOneProcess) {
  McpServerPool pool({});
  absl::StatusOr<McpCallResult> first, second;
  absl::Notification done;
  // A server dies with the thread that started it (ShellProcess), so this one outlives the
  // other call, as a worker's activity threads do.
  std::thread other([&] {
    first = Echo(pool, "run", "first");
    done.WaitForNotification();
  });
  second = Echo(pool, "run", "second");
  done.Notify();
  other.join();
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_THAT(first->text, HasSubstr("first"));
  EXPECT_THAT(second->text, HasSubstr("second"));
  EXPECT_EQ(starts_, 1);
}

TEST_F(McpServerPoolTest, AServerKilledBetweenCallsIsStartedAgainAndTheCallSucceeds) {
  McpServerPool pool({});
  ASSERT_TRUE(Echo(pool, "run", "before").ok());
  const pid_t first = ReadPid(temp_.path() / "run.pid");
  ASSERT_GT(first, 0);
  ASSERT_EQ(::kill(first, SIGKILL), 0);

  auto after = Echo(pool, "run", "after");
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_THAT(after->text, HasSubstr("after"));
  EXPECT_EQ(starts_, 2);
  EXPECT_NE(ReadPid(temp_.path() / "run.pid"), first);
}

TEST_F(McpServerPoolTest, AServerThatDiesOnEveryCallFailsItAfterOneMoreTry) {
  McpServerPool pool({});
  int starts = 0;
  // Answers the handshake, then exits when asked anything.
  const auto source = [&starts]() -> absl::StatusOr<McpServerConfig> {
    ++starts;
    return McpServerConfig{
        .name = "fragile",
        .argv = {"sh", "-c",
                 "read init; echo '{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}'; read initialized;"
                 " read call; echo 'out of memory' >&2; exit 7"},
        .env = {"PATH=" + Path()}};
  };
  auto called = pool.CallTool("run", "fragile", source, "anything", nlohmann::json::object(),
                              absl::Seconds(10), kKeepGoing);
  ASSERT_FALSE(called.ok());
  EXPECT_EQ(called.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(called.status().message()),
              HasSubstr("the MCP server fragile exited with code 7"));
  EXPECT_THAT(std::string(called.status().message()), HasSubstr("out of memory"));
  EXPECT_EQ(starts, 2);
  EXPECT_EQ(pool.running(), 0u);
}

TEST_F(McpServerPoolTest, AServerThatCannotStartIsTheCallersError) {
  McpServerPool pool({});
  const auto source = []() -> absl::StatusOr<McpServerConfig> {
    return McpServerConfig{
        .name = "gone", .argv = {"no-such-mcp-server"}, .env = {"PATH=/nowhere"}};
  };
  auto tools = pool.ListTools("run", "gone", source, absl::Seconds(5), kKeepGoing);
  ASSERT_FALSE(tools.ok());
  EXPECT_EQ(tools.status().message(),
            "the MCP server gone's command \"no-such-mcp-server\" was not found (PATH: /nowhere): "
            "install it or give its full path");
}

TEST_F(McpServerPoolTest, AnIdleServerIsStopped) {
  McpServerPool pool({.idle_timeout = absl::Milliseconds(300)});
  ASSERT_TRUE(Echo(pool, "run", "once").ok());
  const pid_t pid = ReadPid(temp_.path() / "run.pid");
  EXPECT_TRUE(testing::WaitFor([&] { return pool.running() == 0; }, absl::Seconds(10)));
  EXPECT_TRUE(testing::WaitFor([&] { return ::kill(pid, 0) != 0; }, absl::Seconds(5)))
      << "the idle server " << pid << " still runs";
  // The next call starts it again.
  ASSERT_TRUE(Echo(pool, "run", "again").ok());
  EXPECT_EQ(starts_, 2);
}

TEST_F(McpServerPoolTest, ServersStopWithThePool) {
  pid_t pid = 0;
  {
    McpServerPool pool({});
    ASSERT_TRUE(Echo(pool, "run", "once").ok());
    pid = ReadPid(temp_.path() / "run.pid");
  }
  EXPECT_NE(::kill(pid, 0), 0) << "server " << pid << " outlived the pool";
}

TEST_F(McpServerPoolTest, ACallThatTakesTooLongTimesOutAndTheServerIsKept) {
  McpServerPool pool({});
  const absl::Time start = absl::Now();
  auto slow = pool.CallTool("run", "everything", Source("run"), "trigger-long-running-operation",
                            {{"duration", 30}, {"steps", 30}}, absl::Seconds(1), kKeepGoing);
  EXPECT_EQ(slow.status().code(), absl::StatusCode::kDeadlineExceeded) << slow.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(20));
  auto echo = Echo(pool, "run", "still here");
  ASSERT_TRUE(echo.ok()) << echo.status();
  EXPECT_EQ(starts_, 1);
}

}  // namespace
}  // namespace stigmer::agent

#include "server/stigmer_server_main.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <future>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "config/api_token.h"
#include "config/paths.h"
#include "gtest/gtest.h"
#include "server_calls.h"
#include "temporal/health_probe.h"
#include "testing/test_env.h"

namespace stigmer::server {
namespace {

// RunStigmerServer in a thread of its own, as a process's main thread would run it: the stop
// signal is sent to that thread, which blocks it and waits for it.
class RunStigmerServerThread {
 public:
  RunStigmerServerThread() {
    std::packaged_task<int()> run([this] {
      thread_id_.set_value(::pthread_self());
      return RunStigmerServer();
    });
    exit_code_ = run.get_future();
    thread_ = std::thread(std::move(run));
    id_ = thread_id_.get_future().get();
  }
  ~RunStigmerServerThread() {
    if (thread_.joinable()) {
      Signal(SIGTERM);
      thread_.join();
    }
  }
  void Signal(int signal) { ::pthread_kill(id_, signal); }
  std::future<int>& exit_code() { return exit_code_; }

 private:
  std::promise<pthread_t> thread_id_;
  std::future<int> exit_code_;
  std::thread thread_;
  pthread_t id_{};
};

// RunStigmerServer reads STIGMER_HOME: never let it reach the user's ~/.stigmer.
class RunStigmerServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("STIGMER_HOME", home_.path().c_str(), 1);
    ::setenv("STIGMER_EVENTS_PORT", "0", 1);  // never the default port
  }
  void TearDown() override {
    ::unsetenv("STIGMER_HOME");
    ::unsetenv("STIGMER_EVENTS_PORT");
  }
  stigmer::testing::TempDir home_;
};

TEST_F(RunStigmerServerTest, ServesUntilSigtermThenExitsZero) {
  const int port = stigmer::testing::FreePort();
  ::setenv("GRPC_PORT", std::to_string(port).c_str(), 1);
  ::setenv("TEMPORAL_SERVICE_ADDRESS",
           absl::StrCat("127.0.0.1:", stigmer::testing::FreePort()).c_str(), 1);
  RunStigmerServerThread server;
  auto channel = stigmer::testing::LocalChannel(port);
  ASSERT_TRUE(stigmer::testing::WaitFor(
      [&] { return temporal::CheckServing(channel, "", absl::Milliseconds(500)).ok(); },
      absl::Seconds(10)));

  const absl::Time before = absl::Now();
  server.Signal(SIGTERM);
  ASSERT_EQ(server.exit_code().wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_LT(absl::Now() - before, absl::Seconds(1));
  EXPECT_EQ(server.exit_code().get(), 0);
}

TEST_F(RunStigmerServerTest, CreatesTheApiTokenOnFirstStartAndKeepsIt) {
  const int port = stigmer::testing::FreePort();
  ::setenv("GRPC_PORT", std::to_string(port).c_str(), 1);
  ::setenv("TEMPORAL_SERVICE_ADDRESS",
           absl::StrCat("127.0.0.1:", stigmer::testing::FreePort()).c_str(), 1);
  const std::filesystem::path token_file = config::Paths(home_.path()).ApiTokenFile();
  std::string token;
  {
    RunStigmerServerThread server;
    auto channel = stigmer::testing::LocalChannel(port, "");
    ASSERT_TRUE(stigmer::testing::WaitFor(
        [&] { return temporal::CheckServing(channel, "", absl::Milliseconds(500)).ok(); },
        absl::Seconds(10)));
    struct stat info {};
    ASSERT_EQ(::stat(token_file.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600);
    absl::StatusOr<std::string> read = config::ReadApiToken(token_file);
    ASSERT_TRUE(read.ok()) << read.status();
    token = *read;
    EXPECT_TRUE(stigmer::testing::CallGetInfo(port, token).ok());
  }
  RunStigmerServerThread again;
  auto channel = stigmer::testing::LocalChannel(port, "");
  ASSERT_TRUE(stigmer::testing::WaitFor(
      [&] { return temporal::CheckServing(channel, "", absl::Milliseconds(500)).ok(); },
      absl::Seconds(10)));
  EXPECT_EQ(config::ReadApiToken(token_file).value_or(""), token);
}

TEST_F(RunStigmerServerTest, ExitsOneWhenThePortIsTaken) {
  const int port = stigmer::testing::FreePort();
  ::setenv("GRPC_PORT", std::to_string(port).c_str(), 1);
  RunStigmerServerThread first;
  auto channel = stigmer::testing::LocalChannel(port);
  ASSERT_TRUE(stigmer::testing::WaitFor(
      [&] { return temporal::CheckServing(channel, "", absl::Milliseconds(500)).ok(); },
      absl::Seconds(10)));

  RunStigmerServerThread second;
  ASSERT_EQ(second.exit_code().wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(second.exit_code().get(), 1);
}

TEST_F(RunStigmerServerTest, ExitsTwoWhenThePortIsNotANumber) {
  ::setenv("GRPC_PORT", "seventy", 1);
  RunStigmerServerThread server;
  ASSERT_EQ(server.exit_code().wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(server.exit_code().get(), 2);
}

}  // namespace
}  // namespace stigmer::server

#include "server/stigmer_server_main.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

#include <future>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
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

TEST(RunStigmerServerTest, ServesUntilSigtermThenExitsZero) {
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

TEST(RunStigmerServerTest, ExitsOneWhenThePortIsTaken) {
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

TEST(RunStigmerServerTest, ExitsTwoWhenThePortIsNotANumber) {
  ::setenv("GRPC_PORT", "seventy", 1);
  RunStigmerServerThread server;
  ASSERT_EQ(server.exit_code().wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(server.exit_code().get(), 2);
}

}  // namespace
}  // namespace stigmer::server

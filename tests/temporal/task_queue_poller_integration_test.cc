#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <string>
#include <thread>

#include "absl/time/clock.h"
#include "common/unique_fd.h"
#include "gtest/gtest.h"
#include "task_queue_pollers.h"
#include "temporal/health_probe.h"
#include "temporal/task_queue_poller.h"
#include "temporal/worker_main.h"
#include "testing/temporal_dev_server.h"

namespace stigmer::temporal {
namespace {

using ::stigmer::testing::HasPoller;
using ::temporal::api::enums::v1::TASK_QUEUE_TYPE_ACTIVITY;

class TaskQueuePollerTest : public stigmer::testing::TemporalDevServerSuite {
 protected:
  TaskQueuePollerOptions OptionsFor(const std::string& task_queue, const std::string& identity) {
    TaskQueuePollerOptions options;
    options.temporal_address = temporal_address();
    options.task_queue = task_queue;
    options.identity = identity;
    return options;
  }
};

TEST_F(TaskQueuePollerTest, PollsBothTaskTypesUnderItsIdentityAndIsReadyOnce) {
  EXPECT_TRUE(CheckTemporalServing(temporal_address(), absl::Seconds(2)).ok());
  std::atomic<int> ready_calls{0};
  TaskQueuePoller poller(OptionsFor("poller-shows-up", "test-poller@here"),
                         [&ready_calls] { ++ready_calls; });
  poller.Start();

  EXPECT_TRUE(stigmer::testing::WaitFor([&] { return ready_calls.load() > 0; }, absl::Seconds(20)));
  EXPECT_TRUE(stigmer::testing::WaitFor(
      [&] { return HasPoller(temporal_address(), "poller-shows-up", "test-poller@here"); },
      absl::Seconds(20)));
  EXPECT_TRUE(stigmer::testing::WaitFor(
      [&] {
        return HasPoller(temporal_address(), "poller-shows-up", "test-poller@here",
                         TASK_QUEUE_TYPE_ACTIVITY);
      },
      absl::Seconds(20)));
  poller.Stop();
  EXPECT_EQ(ready_calls.load(), 1);
  EXPECT_TRUE(poller.ready());
}

TEST_F(TaskQueuePollerTest, StopEndsALongPollPromptly) {
  TaskQueuePoller poller(OptionsFor("poller-stops", "stopping-poller@here"), nullptr);
  poller.Start();
  ASSERT_TRUE(stigmer::testing::WaitFor(
      [&] { return HasPoller(temporal_address(), "poller-stops", "stopping-poller@here"); },
      absl::Seconds(20)));

  const absl::Time before = absl::Now();
  poller.Stop();
  EXPECT_LT(absl::Now() - before, absl::Seconds(1));
}

// RunWorker in a thread of its own: the stop signal goes to that thread (pthread_kill), which
// blocks it and waits for it, exactly as a worker process's main thread does.
TEST_F(TaskQueuePollerTest, RunWorkerSignalsReadinessAndStopsOnSigterm) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  UniqueFd read_end(pipe_fds[0]);

  WorkerOptions options;
  options.temporal_address = temporal_address();
  options.task_queue = "run-worker";
  options.identity = "run-worker@here";
  options.ready_fd = pipe_fds[1];  // RunWorker closes it
  std::promise<pthread_t> worker_thread;
  std::packaged_task<int()> run([&] {
    worker_thread.set_value(::pthread_self());
    return RunWorker(options);
  });
  std::future<int> exit_code = run.get_future();
  std::thread thread(std::move(run));

  pollfd readable{read_end.get(), POLLIN, 0};
  ASSERT_EQ(::poll(&readable, 1, 20'000), 1);
  char buffer[32] = {};
  ASSERT_EQ(::read(read_end.get(), buffer, sizeof buffer), 8);
  EXPECT_STREQ(buffer, "READY=1\n");
  EXPECT_EQ(::read(read_end.get(), buffer, sizeof buffer), 0) << "ready fd left open";
  EXPECT_TRUE(stigmer::testing::WaitFor(
      [&] { return HasPoller(temporal_address(), "run-worker", "run-worker@here"); },
      absl::Seconds(20)));

  const absl::Time before = absl::Now();
  ::pthread_kill(worker_thread.get_future().get(), SIGTERM);
  ASSERT_EQ(exit_code.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_LT(absl::Now() - before, absl::Seconds(1));
  EXPECT_EQ(exit_code.get(), 0);
  thread.join();
}

TEST_F(TaskQueuePollerTest, RunWorkerWithAWatchdogHeartbeatsOnTheReadyFd) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  UniqueFd read_end(pipe_fds[0]);

  WorkerOptions options;
  options.temporal_address = temporal_address();
  options.task_queue = "run-worker-heartbeat";
  options.identity = "heartbeat@here";
  options.ready_fd = pipe_fds[1];
  options.watchdog_interval = absl::Milliseconds(100);
  std::promise<pthread_t> worker_thread;
  std::packaged_task<int()> run([&] {
    worker_thread.set_value(::pthread_self());
    return RunWorker(options);
  });
  std::future<int> exit_code = run.get_future();
  std::thread thread(std::move(run));

  std::string received;
  const auto beats = [&received] {
    size_t count = 0;
    for (size_t at = 0; (at = received.find("WATCHDOG=1\n", at)) != std::string::npos; ++at) {
      ++count;
    }
    return count;
  };
  ASSERT_TRUE(stigmer::testing::WaitFor(
      [&] {
        pollfd readable{read_end.get(), POLLIN, 0};
        if (::poll(&readable, 1, 100) == 1) {
          char buffer[256];
          const ssize_t got = ::read(read_end.get(), buffer, sizeof buffer);
          if (got > 0) received.append(buffer, static_cast<size_t>(got));
        }
        return received.find("READY=1\n") != std::string::npos && beats() >= 3;
      },
      absl::Seconds(20)))
      << received;

  ::pthread_kill(worker_thread.get_future().get(), SIGTERM);
  ASSERT_EQ(exit_code.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(exit_code.get(), 0);
  thread.join();
}

}  // namespace
}  // namespace stigmer::temporal

#include "temporal/worker_options.h"

#include <unistd.h>

#include <map>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "temporal/worker_identity.h"
#include "testing/test_env.h"
#include "workflow/workflow_runner.h"

namespace stigmer::temporal {
namespace {

using ::stigmer::testing::FakeEnvironment;

TEST(WorkerIdentityTest, IsPidAtHostname) {
  EXPECT_EQ(FormatWorkerIdentity(42, "box"), "42@box");
  EXPECT_THAT(DefaultWorkerIdentity(), ::testing::StartsWith(absl::StrCat(::getpid(), "@")));
}

TEST(WorkerOptionsTest, DefaultsWhenNothingIsSet) {
  absl::StatusOr<WorkerOptions> options = WorkerOptionsFromEnvironment(FakeEnvironment({}), "q");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->temporal_address, "127.0.0.1:7233");
  EXPECT_EQ(options->namespace_name, "default");
  EXPECT_EQ(options->task_queue, "q");
  EXPECT_EQ(options->identity, DefaultWorkerIdentity());
  EXPECT_EQ(options->ready_fd, -1);
}

TEST(WorkerOptionsTest, ReadsAddressAndReadyFd) {
  absl::StatusOr<WorkerOptions> options = WorkerOptionsFromEnvironment(
      FakeEnvironment({{"TEMPORAL_SERVICE_ADDRESS", "temporal:7000"}, {"STIGMER_READY_FD", "5"}}),
      "q");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->temporal_address, "temporal:7000");
  EXPECT_EQ(options->ready_fd, 5);
}

TEST(WorkerOptionsTest, RejectsAReadyFdThatIsNotANumber) {
  for (const char* bad : {"x", "-1", "3.5"}) {
    absl::StatusOr<WorkerOptions> options =
        WorkerOptionsFromEnvironment(FakeEnvironment({{"STIGMER_READY_FD", bad}}), "q");
    EXPECT_EQ(options.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(WorkerOptionsTest, ReadsPollerCountsAndRejectsOutOfRange) {
  absl::StatusOr<WorkerOptions> options = WorkerOptionsFromEnvironment(
      FakeEnvironment({{"STIGMER_WORKFLOW_POLLERS", "3"}, {"STIGMER_ACTIVITY_POLLERS", "8"}}), "q");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->workflow_pollers, 3);
  EXPECT_EQ(options->activity_pollers, 8);
  for (const char* bad : {"0", "65", "many"}) {
    absl::StatusOr<WorkerOptions> refused =
        WorkerOptionsFromEnvironment(FakeEnvironment({{"STIGMER_ACTIVITY_POLLERS", bad}}), "q");
    EXPECT_EQ(
        refused.status().message(),
        absl::StrCat("STIGMER_ACTIVITY_POLLERS must be a number from 1 to 64, not \"", bad, "\""));
  }
}

TEST(WorkerOptionsTest, ReadsTheWatchdogIntervalTheSupervisorGives) {
  absl::StatusOr<WorkerOptions> none = WorkerOptionsFromEnvironment(FakeEnvironment({}), "q");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->watchdog_interval, absl::ZeroDuration());
  absl::StatusOr<WorkerOptions> set =
      WorkerOptionsFromEnvironment(FakeEnvironment({{"STIGMER_WATCHDOG_MS", "250"}}), "q");
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->watchdog_interval, absl::Milliseconds(250));
  absl::StatusOr<WorkerOptions> refused =
      WorkerOptionsFromEnvironment(FakeEnvironment({{"STIGMER_WATCHDOG_MS", "0"}}), "q");
  EXPECT_EQ(refused.status().message(),
            "STIGMER_WATCHDOG_MS must be a number from 1 to 3600000, not \"0\"");
}

TEST(WorkerOptionsTest, StickyExecutionIsOnWithAQueueOfItsOwnPerProcess) {
  absl::StatusOr<WorkerOptions> first = WorkerOptionsFromEnvironment(FakeEnvironment({}), "q");
  absl::StatusOr<WorkerOptions> second = WorkerOptionsFromEnvironment(FakeEnvironment({}), "q");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->sticky_cache_runs, 1000u);
  EXPECT_EQ(first->sticky_cache_bytes, size_t{64} << 20);
  EXPECT_THAT(first->sticky_task_queue,
              ::testing::StartsWith(absl::StrCat("q/sticky/", DefaultWorkerIdentity(), "/")));
  EXPECT_NE(first->sticky_task_queue, second->sticky_task_queue);
}

TEST(WorkerOptionsTest, ReadsTheStickyCacheBoundsAndRejectsOutOfRange) {
  absl::StatusOr<WorkerOptions> off = WorkerOptionsFromEnvironment(
      FakeEnvironment({{"STIGMER_STICKY_CACHE_RUNS", "0"}, {"STIGMER_STICKY_CACHE_MB", "8"}}), "q");
  ASSERT_TRUE(off.ok()) << off.status();
  EXPECT_EQ(off->sticky_cache_runs, 0u);
  EXPECT_EQ(off->sticky_cache_bytes, size_t{8} << 20);
  EXPECT_EQ(
      WorkerOptionsFromEnvironment(FakeEnvironment({{"STIGMER_STICKY_CACHE_RUNS", "-1"}}), "q")
          .status()
          .message(),
      "STIGMER_STICKY_CACHE_RUNS must be a number from 0 to 100000, not \"-1\"");
  EXPECT_EQ(WorkerOptionsFromEnvironment(FakeEnvironment({{"STIGMER_STICKY_CACHE_MB", "0"}}), "q")
                .status()
                .message(),
            "STIGMER_STICKY_CACHE_MB must be a number from 1 to 65536, not \"0\"");
}

TEST(RunnerSettingsTest, DefaultsAndGuardsFromTheEnvironment) {
  absl::StatusOr<workflow::RunnerSettings> defaults =
      workflow::RunnerSettingsFromEnvironment(FakeEnvironment({}));
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  EXPECT_EQ(defaults->workflow.interpreter.max_iterations, 10000);
  EXPECT_EQ(defaults->workflow.max_history_events, 20000);
  EXPECT_EQ(defaults->activity.max_output_bytes, 1u << 20);
  EXPECT_EQ(defaults->workflow.commands.task_queue, "stigmer-workflows");
  EXPECT_EQ(defaults->workflow.commands.activity_kinds.at("http").task_queue,
            "stigmer-workflows-http");
  EXPECT_EQ(defaults->workflow.commands.activity_kinds.at("shell").task_queue,
            "stigmer-workflows-shell");

  absl::StatusOr<workflow::RunnerSettings> set = workflow::RunnerSettingsFromEnvironment(
      FakeEnvironment({{"STIGMER_MAX_ITERATIONS", "50"},
                       {"STIGMER_MAX_HISTORY_EVENTS", "1000"},
                       {"STIGMER_MAX_OUTPUT_BYTES", "4096"},
                       {"STIGMER_HTTP_TIMEOUT_S", "3"}}));
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->workflow.interpreter.max_iterations, 50);
  EXPECT_EQ(set->workflow.max_history_events, 1000);
  EXPECT_EQ(set->activity.max_output_bytes, 4096u);
  EXPECT_EQ(set->activity.http_timeout, absl::Seconds(3));

  absl::StatusOr<workflow::RunnerSettings> refused = workflow::RunnerSettingsFromEnvironment(
      FakeEnvironment({{"STIGMER_MAX_HISTORY_EVENTS", "60000"}}));
  EXPECT_EQ(refused.status().message(),
            "STIGMER_MAX_HISTORY_EVENTS must be a number from 1 to 50000, not \"60000\"");
}

TEST(ExecutionModeTest, OnlyTemporalIsSupported) {
  EXPECT_TRUE(workflow::CheckExecutionMode(FakeEnvironment({})).ok());
  EXPECT_TRUE(workflow::CheckExecutionMode(FakeEnvironment({{"EXECUTION_MODE", ""}})).ok());
  EXPECT_TRUE(workflow::CheckExecutionMode(FakeEnvironment({{"EXECUTION_MODE", "temporal"}})).ok());
  absl::Status local = workflow::CheckExecutionMode(FakeEnvironment({{"EXECUTION_MODE", "local"}}));
  EXPECT_EQ(local.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(local.message(), ::testing::HasSubstr("\"local\""));
}

}  // namespace
}  // namespace stigmer::temporal

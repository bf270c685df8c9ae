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

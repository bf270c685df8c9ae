// The tests' own Temporal dev server (tests/testing/temporal_dev_server.h): one that exits while
// starting (in CI, once, a lost race for a port) is started again, and one that keeps exiting
// fails with what its log said.
#include "testing/temporal_dev_server.h"

#include <cstdlib>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stigmer::testing {
namespace {

using ::testing::HasSubstr;

TEST(TemporalDevServerTest, AServerThatKeepsExitingWhileStartingIsUnavailableAfterThreeTries) {
  ASSERT_EQ(::setenv("STIGMER_TEMPORAL_BIN", "/bin/false", 1), 0);
  absl::StatusOr<std::unique_ptr<TemporalDevServer>> started =
      TemporalDevServer::Start(absl::Seconds(30));
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(started.status().message(), HasSubstr(" exited (last check: "));
  EXPECT_THAT(started.status().message(), HasSubstr("log head:"));
}

}  // namespace
}  // namespace stigmer::testing

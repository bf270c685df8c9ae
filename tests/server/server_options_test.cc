#include "server/server_options.h"

#include <map>

#include "gtest/gtest.h"
#include "temporal/worker_identity.h"
#include "testing/test_env.h"

namespace stigmer::server {
namespace {

using ::stigmer::testing::FakeEnvironment;

TEST(ServerOptionsTest, DefaultsWhenNothingIsSet) {
  absl::StatusOr<ServerOptions> options = ServerOptionsFromEnvironment(FakeEnvironment({}));
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->listen_address, "127.0.0.1");
  EXPECT_EQ(options->port, 7234);
  EXPECT_EQ(options->events_port, kDefaultEventsPort);
  EXPECT_EQ(options->temporal_address, "127.0.0.1:7233");
}

TEST(ServerOptionsTest, ReadsTheEnvironment) {
  absl::StatusOr<ServerOptions> options = ServerOptionsFromEnvironment(
      FakeEnvironment({{"GRPC_PORT", "9000"},
                       {"STIGMER_LISTEN_ADDRESS", "0.0.0.0"},
                       {"TEMPORAL_SERVICE_ADDRESS", "temporal:7233"}}));
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->port, 9000);
  EXPECT_EQ(options->listen_address, "0.0.0.0");
  EXPECT_EQ(options->temporal_address, "temporal:7233");
}

// The same across restarts of one home on one host, and different for two homes or two hosts:
// servers sharing a store tell their executions apart by it.
TEST(ServerOptionsTest, TheFollowerIdIsTheHostAndTheHome) {
  absl::StatusOr<ServerOptions> options =
      ServerOptionsFromEnvironment(FakeEnvironment({{"STIGMER_HOME", "/srv/stigmer-a"}}));
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->follower_id, temporal::HostnameOrUnknown() + ":/srv/stigmer-a");
  absl::StatusOr<ServerOptions> other =
      ServerOptionsFromEnvironment(FakeEnvironment({{"STIGMER_HOME", "/srv/stigmer-b"}}));
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_NE(other->follower_id, options->follower_id);
}

TEST(ServerOptionsTest, RejectsAPortThatIsNotAPortNumber) {
  for (const char* bad : {"http", "-1", "65536", "80x"}) {
    absl::StatusOr<ServerOptions> options =
        ServerOptionsFromEnvironment(FakeEnvironment({{"GRPC_PORT", bad}}));
    EXPECT_EQ(options.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(ServerOptionsTest, TheEventsPortComesFromTheEnvironment) {
  EXPECT_EQ(
      ServerOptionsFromEnvironment(FakeEnvironment({{"STIGMER_EVENTS_PORT", "9236"}}))->events_port,
      9236);
  EXPECT_EQ(ServerOptionsFromEnvironment(FakeEnvironment({{"STIGMER_EVENTS_PORT", "web"}}))
                .status()
                .message(),
            "STIGMER_EVENTS_PORT must be a port number (0-65535), not \"web\"");
}

TEST(ServerOptionsTest, ScheduleOnExpressionLimitsComeFromTheEnvironment) {
  absl::StatusOr<ServerOptions> options = ServerOptionsFromEnvironment(FakeEnvironment(
      {{"STIGMER_EXPRESSION_TIMEOUT_MS", "500"}, {"STIGMER_EXPRESSION_MEMORY_MB", "64"}}));
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->expression_limits.timeout, absl::Milliseconds(500));
  EXPECT_EQ(options->expression_limits.memory_bytes, size_t{64} << 20);
  EXPECT_EQ(
      ServerOptionsFromEnvironment(FakeEnvironment({{"STIGMER_EXPRESSION_TIMEOUT_MS", "soon"}}))
          .status()
          .message(),
      "STIGMER_EXPRESSION_TIMEOUT_MS must be a number from 1 to 600000, not \"soon\"");
}

}  // namespace
}  // namespace stigmer::server

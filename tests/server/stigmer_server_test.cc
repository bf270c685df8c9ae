#include "server/stigmer_server.h"

#include "absl/strings/str_cat.h"
#include "common/version.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "server/info_service.h"
#include "server_calls.h"
#include "temporal/health_probe.h"
#include "testing/test_env.h"

namespace stigmer::server {
namespace {

using ::stigmer::testing::CallGetInfo;
using ::stigmer::testing::LocalChannel;
using ::testing::Contains;
using ::testing::HasSubstr;

// Temporal is nowhere: a port nobody listens on.
ServerOptions OptionsWithoutTemporal() {
  ServerOptions options;
  options.port = 0;
  options.temporal_address = absl::StrCat("127.0.0.1:", stigmer::testing::FreePort());
  return options;
}

TEST(StigmerServerTest, ReportsOverallHealthServing) {
  absl::StatusOr<std::unique_ptr<StigmerServer>> server =
      StigmerServer::Start(OptionsWithoutTemporal());
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_GT((*server)->port(), 0);
  EXPECT_TRUE(temporal::CheckServing(LocalChannel((*server)->port()), "", absl::Seconds(5)).ok());
}

TEST(StigmerServerTest, ReflectionListsInfoService) {
  absl::StatusOr<std::unique_ptr<StigmerServer>> server =
      StigmerServer::Start(OptionsWithoutTemporal());
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<std::vector<std::string>> services =
      stigmer::testing::ListServicesByReflection((*server)->port());
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_THAT(*services, Contains("stigmer.v1.InfoService"));
  EXPECT_THAT(*services, Contains("grpc.health.v1.Health"));
}

TEST(StigmerServerTest, GetInfoSaysTemporalIsUnreachableWhenNobodyListens) {
  const ServerOptions options = OptionsWithoutTemporal();
  absl::StatusOr<std::unique_ptr<StigmerServer>> server = StigmerServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<stigmer::v1::GetInfoResponse> info = CallGetInfo((*server)->port());
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->version(), stigmer::kVersion);
  EXPECT_EQ(info->temporal_address(), options.temporal_address);
  EXPECT_FALSE(info->temporal_reachable());
  EXPECT_GE(info->uptime_seconds(), 0);
}

TEST(StigmerServerTest, ExplainsWhyItCannotListen) {
  absl::StatusOr<std::unique_ptr<StigmerServer>> first =
      StigmerServer::Start(OptionsWithoutTemporal());
  ASSERT_TRUE(first.ok()) << first.status();
  ServerOptions same_port = OptionsWithoutTemporal();
  same_port.port = (*first)->port();
  absl::StatusOr<std::unique_ptr<StigmerServer>> second = StigmerServer::Start(same_port);
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(second.status().message(),
              HasSubstr(absl::StrCat("cannot listen on 127.0.0.1:", same_port.port, ": ")));
  EXPECT_THAT(second.status().message(), HasSubstr("in use"));
}

TEST(StigmerServerTest, ShutdownTwiceIsHarmless) {
  absl::StatusOr<std::unique_ptr<StigmerServer>> server =
      StigmerServer::Start(OptionsWithoutTemporal());
  ASSERT_TRUE(server.ok()) << server.status();
  (*server)->Shutdown(absl::Seconds(1));
  (*server)->Shutdown(absl::Seconds(1));
  EXPECT_FALSE(CallGetInfo((*server)->port()).ok());
}

}  // namespace
}  // namespace stigmer::server

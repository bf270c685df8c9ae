#include "common/version.h"
#include "gtest/gtest.h"
#include "server/stigmer_server.h"
#include "server_calls.h"
#include "testing/temporal_dev_server.h"

namespace stigmer::server {
namespace {

class StigmerServerWithTemporalTest : public stigmer::testing::TemporalDevServerSuite {};

TEST_F(StigmerServerWithTemporalTest, GetInfoSaysTemporalIsReachable) {
  ServerOptions options;
  options.port = 0;
  options.temporal_address = temporal_address();
  options.api_token = stigmer::testing::kTestApiToken;
  absl::StatusOr<std::unique_ptr<StigmerServer>> server = StigmerServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();

  absl::StatusOr<stigmer::v1::GetInfoResponse> info =
      stigmer::testing::CallGetInfo((*server)->port());
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->version(), stigmer::kVersion);
  EXPECT_EQ(info->temporal_address(), temporal_address());
  EXPECT_TRUE(info->temporal_reachable());
}

}  // namespace
}  // namespace stigmer::server

#include "server/stigmer_server.h"

#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/version.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "server/info_service.h"
#include "server_calls.h"
#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/spdlog.h"
#include "temporal/health_probe.h"
#include "testing/test_env.h"

namespace stigmer::server {
namespace {

using ::stigmer::testing::CallGetInfo;
using ::stigmer::testing::LocalChannel;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

// Temporal is nowhere: a port nobody listens on.
ServerOptions OptionsWithoutTemporal() {
  ServerOptions options;
  options.port = 0;
  options.temporal_address = absl::StrCat("127.0.0.1:", stigmer::testing::FreePort());
  options.api_token = stigmer::testing::kTestApiToken;
  options.api_token_file = "/home/someone/.stigmer/data/api.token";
  return options;
}

grpc::Status GetInfoWithToken(int port, const std::string& token) {
  auto stub = stigmer::v1::InfoService::NewStub(LocalChannel(port, token));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  stigmer::v1::GetInfoResponse response;
  return stub->GetInfo(&context, stigmer::v1::GetInfoRequest(), &response);
}

// Collects what spdlog's default logger prints while it lives.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    spdlog::set_default_logger(std::make_shared<spdlog::logger>(
        "captured", std::make_shared<spdlog::sinks::ostream_sink_mt>(lines_)));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string text() const { return lines_.str(); }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream lines_;
};

TEST(StigmerServerTest, ReportsOverallHealthServing) {
  absl::StatusOr<std::unique_ptr<StigmerServer>> server =
      StigmerServer::Start(OptionsWithoutTemporal());
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_GT((*server)->port(), 0);
  EXPECT_TRUE(temporal::CheckServing(LocalChannel((*server)->port()), "", absl::Seconds(5)).ok());
}

TEST(StigmerServerTest, CallWithoutTokenIsRefusedUnauthenticatedAndLogged) {
  absl::StatusOr<std::unique_ptr<StigmerServer>> server =
      StigmerServer::Start(OptionsWithoutTemporal());
  ASSERT_TRUE(server.ok()) << server.status();
  CapturedLog log;
  grpc::Status status = GetInfoWithToken((*server)->port(), "");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("missing bearer token"));
  EXPECT_THAT(status.error_message(), HasSubstr("authorization: Bearer <token>"));
  EXPECT_THAT(status.error_message(), HasSubstr("/home/someone/.stigmer/data/api.token"));
  EXPECT_THAT(log.text(),
              HasSubstr("refused a call to /stigmer.v1.InfoService/GetInfo: missing bearer token"));
  EXPECT_THAT(log.text(), HasSubstr("user agent \"grpc-c++/"));
}

TEST(StigmerServerTest, CallWithWrongTokenIsRefusedAndTheTokenIsNotLogged) {
  absl::StatusOr<std::unique_ptr<StigmerServer>> server =
      StigmerServer::Start(OptionsWithoutTemporal());
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string wrong(64, 'a');
  CapturedLog log;
  grpc::Status status = GetInfoWithToken((*server)->port(), wrong);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("wrong bearer token"));
  EXPECT_THAT(log.text(), HasSubstr("GetInfo: wrong bearer token"));
  EXPECT_THAT(log.text(), Not(HasSubstr(wrong)));
  // The right token still works beside the refused one.
  EXPECT_TRUE(GetInfoWithToken((*server)->port(), stigmer::testing::kTestApiToken).ok());
}

TEST(StigmerServerTest, HealthAndReflectionAnswerWithoutToken) {
  absl::StatusOr<std::unique_ptr<StigmerServer>> server =
      StigmerServer::Start(OptionsWithoutTemporal());
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_TRUE(
      temporal::CheckServing(LocalChannel((*server)->port(), ""), "", absl::Seconds(5)).ok());
  EXPECT_TRUE(stigmer::testing::ListServicesByReflection((*server)->port()).ok());
}

TEST(StigmerServerTest, RefusesToStartWithoutToken) {
  ServerOptions options = OptionsWithoutTemporal();
  options.api_token.clear();
  absl::StatusOr<std::unique_ptr<StigmerServer>> server = StigmerServer::Start(options);
  ASSERT_FALSE(server.ok());
  EXPECT_THAT(server.status().message(), HasSubstr("needs an API token"));
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

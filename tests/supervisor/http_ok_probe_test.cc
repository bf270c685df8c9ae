#include "supervisor/http_ok_probe.h"

#include <atomic>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/local_http_server.h"
#include "testing/test_env.h"

namespace stigmer::supervisor {
namespace {

using testing::HttpServerRequest;
using testing::HttpServerResponse;
using testing::LocalHttpServer;
using testing::WaitFor;

std::string Address(const LocalHttpServer& server) {
  return "127.0.0.1:" + std::to_string(server.port());
}

TEST(HttpOkProbeTest, ReadyOnlyOnceTheServerAnswers200NotWhileItSays503) {
  std::atomic<int> answered{0};
  LocalHttpServer server([&](const HttpServerRequest&) {
    // llama.cpp's server answers 503 while it loads its model.
    return HttpServerResponse{++answered <= 2 ? 503 : 200, {}, "{}"};
  });
  std::atomic<int> calls{0};
  HttpOkProbe probe(
      Address(server), "/health", [&] { ++calls; }, absl::Milliseconds(5));
  ASSERT_TRUE(WaitFor([&] { return calls.load() == 1; }, absl::Seconds(10)));
  EXPECT_EQ(answered.load(), 3);
  for (const HttpServerRequest& request : server.requests()) {
    EXPECT_EQ(request.method, "GET");
    EXPECT_EQ(request.path, "/health");
  }
}

TEST(HttpOkProbeTest, NothingListeningIsNotReadyAndDestroyingTheProbeStopsIt) {
  const int port = testing::FreePort();
  absl::StatusOr<int> status =
      HttpGetStatus("127.0.0.1:" + std::to_string(port), "/health", absl::Seconds(1));
  EXPECT_EQ(status.status().code(), absl::StatusCode::kUnavailable) << status.status();
  std::atomic<int> calls{0};
  {
    HttpOkProbe probe(
        "127.0.0.1:" + std::to_string(port), "/health", [&] { ++calls; }, absl::Milliseconds(5));
  }
  EXPECT_EQ(calls.load(), 0);
}

TEST(HttpOkProbeTest, StatusCodeIsReadFromTheStatusLine) {
  LocalHttpServer server([](const HttpServerRequest&) {
    return HttpServerResponse{404, {}, "no"};
  });
  absl::StatusOr<int> status = HttpGetStatus(Address(server), "/other", absl::Seconds(5));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(*status, 404);
  EXPECT_EQ(HttpGetStatus("no-port-here", "/", absl::Seconds(1)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace stigmer::supervisor

// Component output through the supervisor into log files; readiness through gRPC health.
#include <charconv>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/file_io.h"
#include "common/timestamp.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "supervisor/supervisor_test_support.h"
#include "testing/test_env.h"

namespace stigmer::supervisor {
namespace {

using ::stigmer::testing::TempDir;
using ::stigmer::testing::WaitFor;
using testing::FakeComponent;
using ::testing::HasSubstr;
using testing::RunningSupervisor;

const absl::Duration kDeadline = absl::Seconds(30);

// Answers every health check with SERVING.
class AlwaysServing final : public grpc::health::v1::Health::Service {
  grpc::Status Check(grpc::ServerContext*, const grpc::health::v1::HealthCheckRequest*,
                     grpc::health::v1::HealthCheckResponse* response) override {
    response->set_status(grpc::health::v1::HealthCheckResponse::SERVING);
    return grpc::Status::OK;
  }
};

TEST(SupervisorLoggingTest, HundredMegabytesArriveWholeOnceAndInOrderAcrossRotation) {
  TempDir dir;
  constexpr long kLines = 1'000'000;  // of 100 bytes: 100 MB
  ComponentSpec spew = FakeComponent(
      "spew", dir.path(), {"--spew-lines", std::to_string(kLines), "--exit-after-ms", "0"});
  spew.readiness.kind = ReadinessCheck::Kind::kNone;
  spew.restart.fatal_failures = 1;  // exits once done: fatal, not restarted
  spew.rotation.max_bytes = 16 << 20;
  spew.rotation.max_files = 10;
  const absl::Time began = absl::Now();
  RunningSupervisor run({spew});
  ASSERT_TRUE(
      WaitFor([&] { return run.Status("spew").state == ComponentState::kFatal; }, kDeadline));
  const absl::Duration took = absl::Now() - began;
  ASSERT_TRUE(run.Stop().has_value());
  std::cerr << "100 MB of log lines through the supervisor in " << took << "\n";
  EXPECT_EQ(run.Status("spew").log_lines_dropped, 0);

  long expected = 0;
  int files = 0;
  for (int n = spew.rotation.max_files; n >= 0; --n) {
    const std::filesystem::path path =
        n == 0 ? dir.path() / "spew.log" : dir.path() / absl::StrCat("spew.log.", n);
    if (!std::filesystem::exists(path)) continue;
    ++files;
    EXPECT_LE(std::filesystem::file_size(path), static_cast<uintmax_t>(spew.rotation.max_bytes));
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      // "<24-char timestamp> line 000000042 xxx…x" (99 characters after the timestamp).
      ASSERT_EQ(line.size(), 24u + 1 + 99) << path << ": " << line.substr(0, 60);
      ASSERT_TRUE(ParseRfc3339Millis(line).has_value()) << line.substr(0, 60);
      ASSERT_EQ(line.compare(25, 5, "line "), 0) << line.substr(0, 60);
      long number = -1;
      std::from_chars(line.data() + 30, line.data() + 39, number);
      ASSERT_EQ(number, expected) << path;
      ++expected;
    }
  }
  EXPECT_EQ(expected, kLines);
  EXPECT_GE(files, 7);
}

TEST(SupervisorLoggingTest, UnwritableLogFolderDropsLinesButKeepsSupervising) {
  TempDir dir;
  ASSERT_TRUE(WriteFileAtomically(dir.path() / "logs", "a file, not a folder").ok());
  ComponentSpec a = FakeComponent("a", dir.path() / "logs", {"--print", "one", "--print", "two"});
  a.pid_file = dir.path() / "a.pid";
  RunningSupervisor run({a});
  ASSERT_TRUE(WaitFor([&] { return run.all_ready(); }, kDeadline));
  ASSERT_TRUE(WaitFor([&] { return run.Status("a").log_lines_dropped == 2; }, kDeadline));
  const ComponentStatus status = run.Status("a");
  EXPECT_EQ(status.state, ComponentState::kReady);
  EXPECT_THAT(status.log_error, HasSubstr("Not a directory"));
  std::optional<absl::Status> result = run.Stop();
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->ok()) << *result;
}

TEST(SupervisorLoggingTest, StdoutAndStderrMayShareOneFile) {
  TempDir dir;
  ComponentSpec a =
      FakeComponent("a", dir.path(), {"--print", "to stdout", "--print-stderr", "to stderr"});
  a.stderr_log = a.stdout_log;
  RunningSupervisor run({a});
  ASSERT_TRUE(WaitFor([&] { return run.all_ready(); }, kDeadline));
  ASSERT_TRUE(run.Stop().has_value());
  absl::StatusOr<std::string> text = ReadFileToString(a.stdout_log);
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(*text, HasSubstr(" to stdout\n"));
  EXPECT_THAT(*text, HasSubstr(" to stderr\n"));
}

TEST(SupervisorReadinessTest, ExternalComponentWaitsForGrpcHealthBeforeTheNextStarts) {
  TempDir dir;
  const int port = stigmer::testing::FreePort();
  ComponentSpec engine;
  engine.name = "engine";
  engine.external = true;
  engine.readiness.kind = ReadinessCheck::Kind::kGrpcHealth;
  engine.readiness.grpc_target = absl::StrCat("127.0.0.1:", port);
  RunningSupervisor run({engine, FakeComponent("worker", dir.path(), {})});
  ASSERT_TRUE(
      WaitFor([&] { return run.Status("engine").state == ComponentState::kStarting; }, kDeadline));
  EXPECT_EQ(run.Status("worker").state, ComponentState::kStopped);

  AlwaysServing health;
  grpc::ServerBuilder builder;
  builder.RegisterService(&health);
  builder.AddListeningPort(engine.readiness.grpc_target, grpc::InsecureServerCredentials());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  ASSERT_TRUE(WaitFor([&] { return run.all_ready(); }, kDeadline));
  EXPECT_EQ(run.Status("engine").state, ComponentState::kExternal);
  EXPECT_EQ(run.Status("worker").state, ComponentState::kReady);
  ASSERT_TRUE(run.Stop().has_value());
  EXPECT_EQ(run.Status("engine").state, ComponentState::kStopped);
  server->Shutdown();
}

}  // namespace
}  // namespace stigmer::supervisor

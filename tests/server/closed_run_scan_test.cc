#include "server/closed_run_scan.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "temporal/temporal_client.h"

namespace stigmer::server {
namespace {

namespace wfs = ::temporal::api::workflowservice::v1;
using ::testing::HasSubstr;

// Temporal's visibility, as far as the scan uses it: two pages of closed runs, and a failure on
// demand (what the real dev server cannot be made to do at a given call). The tracker's tests
// scan the real one.
class FakeVisibility final : public wfs::WorkflowService::Service {
 public:
  grpc::Status DescribeNamespace(grpc::ServerContext*, const wfs::DescribeNamespaceRequest*,
                                 wfs::DescribeNamespaceResponse*) override {
    return grpc::Status::OK;
  }

  grpc::Status ListWorkflowExecutions(grpc::ServerContext*,
                                      const wfs::ListWorkflowExecutionsRequest* request,
                                      wfs::ListWorkflowExecutionsResponse* response) override {
    absl::MutexLock lock(&mutex_);
    queries_.push_back(request->query());
    if (fail_next_) {
      fail_next_ = false;
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "visibility is restarting");
    }
    const bool first_page = request->next_page_token().empty();
    auto* info = response->add_executions();
    info->mutable_execution()->set_workflow_id(first_page ? "wex-1" : "wex-2");
    info->mutable_execution()->set_run_id(first_page ? "run-1" : "run-2");
    info->set_history_length(first_page ? 11 : 22);
    if (first_page) response->set_next_page_token("page-2");
    return grpc::Status::OK;
  }

  void FailNext() {
    absl::MutexLock lock(&mutex_);
    fail_next_ = true;
  }
  std::vector<std::string> queries() {
    absl::MutexLock lock(&mutex_);
    return queries_;
  }

 private:
  absl::Mutex mutex_;
  bool fail_next_ ABSL_GUARDED_BY(mutex_) = false;
  std::vector<std::string> queries_ ABSL_GUARDED_BY(mutex_);
};

class ClosedRunScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&visibility_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(port, 0);
    auto client = temporal::TemporalClient::Connect(absl::StrCat("127.0.0.1:", port));
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = *std::move(client);
  }
  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  // The runs one scan passed on, as "workflow id/run id/history length".
  absl::StatusOr<std::vector<std::string>> ScanOnce() {
    std::vector<std::string> seen;
    absl::Status scanned =
        scan_.Scan(*client_, [&](const std::vector<ClosedRunScan::ClosedRun>& page) {
          for (const ClosedRunScan::ClosedRun& run : page) {
            seen.push_back(
                absl::StrCat(run.workflow_id, "/", run.last.run_id, "/", run.last.event_id));
          }
        });
    if (!scanned.ok()) return scanned;
    return seen;
  }

  FakeVisibility visibility_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<temporal::TemporalClient> client_;
  ClosedRunScan scan_{absl::Seconds(5)};
};

TEST_F(ClosedRunScanTest, EveryPageOfClosedRunsIsPassedOnWithItsRunAndHistoryLength) {
  absl::StatusOr<std::vector<std::string>> seen = ScanOnce();
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_THAT(*seen, ::testing::ElementsAre("wex-1/run-1/11", "wex-2/run-2/22"));
  ASSERT_EQ(visibility_.queries().size(), 2u);  // both pages, by close time
  EXPECT_THAT(visibility_.queries()[0], HasSubstr("CloseTime >= '"));
}

TEST_F(ClosedRunScanTest, AScanVisibilityFailedIsAskedAgainForTheSameWindow) {
  const absl::Time before = absl::Now();
  ASSERT_TRUE(ScanOnce().ok());
  visibility_.FailNext();
  absl::StatusOr<std::vector<std::string>> failed = ScanOnce();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(failed.status().message(), HasSubstr("listing workflows (CloseTime >= '"));
  EXPECT_THAT(failed.status().message(), HasSubstr("visibility is restarting"));
  ASSERT_TRUE(ScanOnce().ok());

  // Queries: the first scan's two pages, the failed one, then the retry's two pages.
  const std::vector<std::string> queries = visibility_.queries();
  ASSERT_EQ(queries.size(), 5u);
  EXPECT_EQ(queries[3], queries[2]);  // the window the failed scan asked for, again
  // Each window reaches a few seconds back from where the last good scan began, so that a run
  // visibility lists late is not missed.
  const std::string since = queries[2].substr(queries[2].find('\'') + 1, 24);
  absl::Time since_time;
  std::string error;
  ASSERT_TRUE(absl::ParseTime("%Y-%m-%dT%H:%M:%E*SZ", since, &since_time, &error)) << error;
  EXPECT_LE(since_time, before);
  EXPECT_GE(since_time, before - absl::Seconds(6));
}

}  // namespace
}  // namespace stigmer::server

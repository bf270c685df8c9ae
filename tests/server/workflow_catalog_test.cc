// Apply stores the folder of the applied file with a version that names files by relative
// paths, refuses such a version with no folder (stdin), and starts runs with that folder.

#include "server/workflow_catalog.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/execution_start.h"
#include "testing/test_env.h"

namespace stigmer::server {
namespace {

constexpr char kRelative[] =
    R"(document: {dsl: '1.0.0', namespace: t, name: greeter, version: '1.0.0'}
do:
  - greet:
      call: grpc
      with:
        proto: {endpoint: file://app/greet.proto}
        service: {name: G, host: localhost, port: 5011}
        method: SayHello
  - py:
      run: {script: {language: python, source: {endpoint: ../scripts/a.py}}}
)";

constexpr char kAbsolute[] =
    R"(document: {dsl: '1.0.0', namespace: t, name: plain, version: '1.0.0'}
do:
  - v:
      set: {v: 1}
)";

class WorkflowCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = store::Store::Open(dir_.path() / "stigmer.db");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  stigmer::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(WorkflowCatalogTest, RelativeReferencesFromStdinAreRefusedNamingThem) {
  absl::StatusOr<store::ApplyResult> applied = ApplyWorkflowDocument(*store_, kRelative, false);
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(applied.status().message(),
            "the workflow names files by relative paths (file://app/greet.proto, "
            "../scripts/a.py), which are read from the folder of the applied file; this one has "
            "no folder (stdin): apply it with `stigmer apply -f FILE`, or give absolute paths "
            "(file:///…)");
  EXPECT_FALSE(store_->GetWorkflow("greeter", 0).ok());  // nothing half-stored
  EXPECT_FALSE(ApplyWorkflowDocument(*store_, kRelative, false, "flows").ok());  // not absolute
}

TEST_F(WorkflowCatalogTest, TheFolderIsStoredWithTheVersionAndAMoveIsANewVersion) {
  auto first = ApplyWorkflowDocument(*store_, kRelative, false, "/home/ada/flows");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->workflow.source_dir(), "/home/ada/flows");
  auto same = ApplyWorkflowDocument(*store_, kRelative, false, "/home/ada/flows");
  EXPECT_EQ(same->outcome, stigmer::v1::APPLY_OUTCOME_UNCHANGED);
  auto moved = ApplyWorkflowDocument(*store_, kRelative, false, "/srv/flows");
  EXPECT_EQ(moved->outcome, stigmer::v1::APPLY_OUTCOME_UPDATED);
  EXPECT_EQ(store_->GetWorkflow("greeter", 1)->source_dir(), "/home/ada/flows");
  EXPECT_EQ(store_->GetWorkflow("greeter", 2)->source_dir(), "/srv/flows");

  // A document naming no relative file does not depend on where it was applied from.
  ASSERT_TRUE(ApplyWorkflowDocument(*store_, kAbsolute, false, "/a").ok());
  auto elsewhere = ApplyWorkflowDocument(*store_, kAbsolute, false, "/b");
  EXPECT_EQ(elsewhere->outcome, stigmer::v1::APPLY_OUTCOME_UNCHANGED);
  EXPECT_EQ(elsewhere->workflow.source_dir(), "");
}

TEST_F(WorkflowCatalogTest, TheRunsStartCarriesTheFolder) {
  ASSERT_TRUE(ApplyWorkflowDocument(*store_, kRelative, false, "/home/ada/flows").ok());
  stigmer::v1::CreateExecutionRequest request;
  request.set_workflow("greeter");
  auto start = PlanExecutionStart(*store_, request, nlohmann::json::object(), "q");
  ASSERT_TRUE(start.ok()) << start.status();
  EXPECT_EQ(start->payloads[2]["source_dir"], "/home/ada/flows");
}

TEST_F(WorkflowCatalogTest, AChildWorkflowReadsItsFilesFromItsOwnFolder) {
  ASSERT_TRUE(ApplyWorkflowDocument(*store_, kRelative, false, "/home/ada/flows").ok());
  ASSERT_TRUE(ApplyWorkflowDocument(
                  *store_, R"(document: {dsl: '1.0.0', namespace: t, name: parent, version: '1.0.0'}
do:
  - greet:
      run:
        workflow: {namespace: t, name: greeter, version: '1.0.0'}
)",
                  false, "/srv/elsewhere")
                  .ok());
  stigmer::v1::CreateExecutionRequest request;
  request.set_workflow("parent");
  auto start = PlanExecutionStart(*store_, request, nlohmann::json::object(), "q");
  ASSERT_TRUE(start.ok()) << start.status();
  EXPECT_FALSE(start->payloads[2].contains("source_dir"));  // the parent names no file
  EXPECT_EQ(start->payloads[2]["workflows"]["greeter@1.0.0"]["runtime"]["source_dir"],
            "/home/ada/flows");
}

}  // namespace
}  // namespace stigmer::server

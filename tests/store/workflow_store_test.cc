#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/store.h"
#include "store_test_support.h"
#include "testing/test_env.h"

namespace stigmer::store {
namespace {

using ::stigmer::store::testing::At;
using ::stigmer::store::testing::Draft;
using ::stigmer::store::testing::NewExecution;
using ::stigmer::store::testing::OpenOrDie;
using ::stigmer::testing::TempDir;
using ::stigmer::v1::APPLY_OUTCOME_CREATED;
using ::stigmer::v1::APPLY_OUTCOME_UNCHANGED;
using ::stigmer::v1::APPLY_OUTCOME_UPDATED;
using ::stigmer::v1::Workflow;

class WorkflowStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SKIP_UNLESS_STORE_READY();
    store_ = OpenOrDie(dir_.path() / "stigmer.db");
  }

  ApplyResult Apply(const std::string& name, const std::string& definition, int64_t second = 0) {
    absl::StatusOr<ApplyResult> result = store_->ApplyWorkflow(Draft(name, definition), At(second),
                                                               /*dry_run=*/false);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : ApplyResult{};
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(WorkflowStoreTest, ApplyCreatesUpdatesAndLeavesUnchanged) {
  ApplyResult created = Apply("hello", "v1", 1);
  EXPECT_EQ(created.outcome, APPLY_OUTCOME_CREATED);
  EXPECT_TRUE(IsWorkflowId(created.workflow.id())) << created.workflow.id();
  EXPECT_EQ(created.workflow.version(), 1);
  EXPECT_EQ(created.workflow.name(), "hello");
  EXPECT_EQ(created.workflow.namespace_(), "default");
  EXPECT_EQ(created.workflow.definition(), "v1");
  EXPECT_EQ(created.workflow.created_at().seconds(), absl::ToUnixSeconds(At(1)));
  EXPECT_EQ(created.workflow.updated_at().seconds(), absl::ToUnixSeconds(At(1)));

  ApplyResult updated = Apply("hello", "v2", 2);
  EXPECT_EQ(updated.outcome, APPLY_OUTCOME_UPDATED);
  EXPECT_EQ(updated.workflow.id(), created.workflow.id());
  EXPECT_EQ(updated.workflow.version(), 2);
  EXPECT_EQ(updated.workflow.created_at().seconds(), absl::ToUnixSeconds(At(1)));
  EXPECT_EQ(updated.workflow.updated_at().seconds(), absl::ToUnixSeconds(At(2)));

  ApplyResult unchanged = Apply("hello", "v2", 3);
  EXPECT_EQ(unchanged.outcome, APPLY_OUTCOME_UNCHANGED);
  EXPECT_EQ(unchanged.workflow.version(), 2);
  EXPECT_EQ(unchanged.workflow.updated_at().seconds(), absl::ToUnixSeconds(At(2)));

  // Going back to an earlier document is a change too: a new version.
  ApplyResult back = Apply("hello", "v1", 4);
  EXPECT_EQ(back.outcome, APPLY_OUTCOME_UPDATED);
  EXPECT_EQ(back.workflow.version(), 3);
}

TEST_F(WorkflowStoreTest, EveryVersionIsKept) {
  Apply("hello", "v1");
  Apply("hello", "v2");
  Apply("hello", "v3");
  for (int version = 1; version <= 3; ++version) {
    absl::StatusOr<Workflow> workflow = store_->GetWorkflow("hello", version);
    ASSERT_TRUE(workflow.ok()) << workflow.status();
    EXPECT_EQ(workflow->version(), version);
    EXPECT_EQ(workflow->definition(), absl::StrCat("v", version));
    EXPECT_EQ(workflow->digest(), absl::StrCat("digest:v", version));
  }
  EXPECT_EQ(store_->GetWorkflow("hello", 0)->version(), 3);
}

TEST_F(WorkflowStoreTest, DryRunStoresNothing) {
  absl::StatusOr<ApplyResult> dry = store_->ApplyWorkflow(Draft("hello", "v1"), At(0), true);
  ASSERT_TRUE(dry.ok()) << dry.status();
  EXPECT_EQ(dry->outcome, APPLY_OUTCOME_CREATED);
  EXPECT_EQ(dry->workflow.version(), 1);
  EXPECT_EQ(store_->GetWorkflow("hello", 0).status().code(), absl::StatusCode::kNotFound);

  Apply("hello", "v1");
  dry = store_->ApplyWorkflow(Draft("hello", "v2"), At(0), true);
  ASSERT_TRUE(dry.ok()) << dry.status();
  EXPECT_EQ(dry->outcome, APPLY_OUTCOME_UPDATED);
  EXPECT_EQ(dry->workflow.version(), 2);
  EXPECT_EQ(store_->GetWorkflow("hello", 0)->version(), 1);
  EXPECT_EQ(store_->GetWorkflow("hello", 2).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(WorkflowStoreTest, ApplyNeedsANameAndADigest) {
  Workflow draft = Draft("", "v1");
  EXPECT_EQ(store_->ApplyWorkflow(draft, At(0), false).status().code(),
            absl::StatusCode::kInvalidArgument);
  draft = Draft("hello", "v1");
  draft.clear_digest();
  EXPECT_EQ(store_->ApplyWorkflow(draft, At(0), false).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(WorkflowStoreTest, GetByNameOrId) {
  ApplyResult created = Apply("hello", "v1");
  Apply("hello", "v2");
  absl::StatusOr<Workflow> by_id = store_->GetWorkflow(created.workflow.id(), 1);
  ASSERT_TRUE(by_id.ok()) << by_id.status();
  EXPECT_EQ(by_id->name(), "hello");
  EXPECT_EQ(by_id->definition(), "v1");
  EXPECT_EQ(store_->GetWorkflow(created.workflow.id(), 0)->version(), 2);
}

TEST_F(WorkflowStoreTest, GetNamesWhatIsMissing) {
  Apply("hello", "v1");
  absl::Status missing = store_->GetWorkflow("nope", 0).status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.message(), "workflow \"nope\" not found");
  absl::Status no_version = store_->GetWorkflow("hello", 7).status();
  EXPECT_EQ(no_version.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(no_version.message(), "workflow \"hello\" has no version 7");
  EXPECT_EQ(store_->GetWorkflow(NewWorkflowId(), 0).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetWorkflow("hello", -1).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(WorkflowStoreTest, ListPagesByNameWithTheLatestVersion) {
  std::vector<std::string> names;
  for (int i = 0; i < 7; ++i) names.push_back(absl::StrFormat("wf-%02d", i));
  // Applied out of order; listed by name.
  for (int i : {3, 0, 6, 1, 5, 2, 4}) Apply(names[i], "v1");
  Apply("wf-02", "v2");

  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    absl::StatusOr<WorkflowPage> page = store_->ListWorkflows(3, token);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_LE(page->workflows.size(), 3u);
    for (const Workflow& workflow : page->workflows) {
      seen.push_back(workflow.name());
      EXPECT_EQ(workflow.version(), workflow.name() == "wf-02" ? 2 : 1);
    }
    token = page->next_page_token;
    ++pages;
  } while (!token.empty());
  EXPECT_EQ(seen, names);
  EXPECT_EQ(pages, 3);
}

TEST_F(WorkflowStoreTest, ListExactlyOnePageHasNoToken) {
  Apply("a", "v1");
  Apply("b", "v1");
  absl::StatusOr<WorkflowPage> page = store_->ListWorkflows(2, "");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->workflows.size(), 2u);
  EXPECT_TRUE(page->next_page_token.empty());
}

TEST_F(WorkflowStoreTest, ListKeepsItsPlaceWhenWorkflowsComeAndGo) {
  for (const char* name : {"b", "d", "f"}) Apply(name, "v1");
  absl::StatusOr<WorkflowPage> first = store_->ListWorkflows(2, "");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->workflows.size(), 2u);  // b, d
  ASSERT_TRUE(store_->DeleteWorkflow("d", false).ok());
  Apply("a", "v1");  // before the token: not seen
  Apply("e", "v1");  // after it: seen
  absl::StatusOr<WorkflowPage> second = store_->ListWorkflows(2, first->next_page_token);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->workflows.size(), 2u);
  EXPECT_EQ(second->workflows[0].name(), "e");
  EXPECT_EQ(second->workflows[1].name(), "f");
  EXPECT_TRUE(second->next_page_token.empty());
}

TEST_F(WorkflowStoreTest, ListRejectsABadTokenAndANegativeSize) {
  EXPECT_EQ(store_->ListWorkflows(10, "not-a-token").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ListWorkflows(-1, "").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(WorkflowStoreTest, ListDefaultsAndCapsThePageSize) {
  for (int i = 0; i < 60; ++i) Apply(absl::StrFormat("wf-%02d", i), "v1");
  EXPECT_EQ(store_->ListWorkflows(0, "")->workflows.size(), 50u);
  EXPECT_EQ(store_->ListWorkflows(100000, "")->workflows.size(), 60u);
}

TEST_F(WorkflowStoreTest, DeleteRemovesEveryVersion) {
  Apply("hello", "v1");
  Apply("hello", "v2");
  absl::StatusOr<int> deleted = store_->DeleteWorkflow("hello", false);
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 2);
  EXPECT_EQ(store_->GetWorkflow("hello", 0).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->DeleteWorkflow("hello", false).status().code(), absl::StatusCode::kNotFound);
  // The name is free again: a new workflow, with a new id.
  EXPECT_EQ(Apply("hello", "v2").outcome, APPLY_OUTCOME_CREATED);
}

TEST_F(WorkflowStoreTest, DeleteIsRefusedWhileExecutionsArePendingOrRunning) {
  ApplyResult created = Apply("hello", "v1");
  v1::Execution pending = NewExecution("hello", 1, At(1));
  v1::Execution running = NewExecution("hello", 1, At(2));
  running.set_phase(v1::EXECUTION_PHASE_RUNNING);
  v1::Execution done = NewExecution("hello", 1, At(3));
  done.set_phase(v1::EXECUTION_PHASE_COMPLETED);
  for (const auto* execution : {&pending, &running, &done}) {
    ASSERT_TRUE(store_->InsertExecution(*execution, "").ok());
  }
  absl::Status refused = store_->DeleteWorkflow("hello", false).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.message(),
            "workflow \"hello\" has 2 executions pending or running; cancel them or delete with "
            "--force");
  EXPECT_TRUE(store_->GetWorkflow("hello", 0).ok());

  absl::StatusOr<int> forced = store_->DeleteWorkflow(created.workflow.id(), true);
  ASSERT_TRUE(forced.ok()) << forced.status();
  EXPECT_EQ(*forced, 1);
  // The executions stay, still naming the workflow and listable by its name.
  absl::StatusOr<v1::Execution> kept = store_->GetExecution(running.id());
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(kept->workflow(), "hello");
  EXPECT_EQ(kept->workflow_version(), 1);
  ExecutionFilter filter;
  filter.workflow = "hello";
  EXPECT_EQ(store_->ListExecutions(filter)->executions.size(), 3u);
  filter.phase = v1::EXECUTION_PHASE_RUNNING;
  EXPECT_EQ(store_->ListExecutions(filter)->executions.size(), 1u);
}

TEST_F(WorkflowStoreTest, DeleteIsAllowedWhenExecutionsHaveEnded) {
  Apply("hello", "v1");
  v1::Execution done = NewExecution("hello", 1, At(1));
  done.set_phase(v1::EXECUTION_PHASE_FAILED);
  ASSERT_TRUE(store_->InsertExecution(done, "").ok());
  EXPECT_TRUE(store_->DeleteWorkflow("hello", false).ok());
}

}  // namespace
}  // namespace stigmer::store

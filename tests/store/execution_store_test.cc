#include <algorithm>
#include <memory>
#include <string>
#include <vector>

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
using ::stigmer::v1::Execution;
using ::testing::ElementsAreArray;

class ExecutionStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SKIP_UNLESS_STORE_READY();
    store_ = OpenOrDie(dir_.path() / "stigmer.db");
    for (const char* name : {"hello", "other"}) {
      ASSERT_TRUE(store_->ApplyWorkflow(Draft(name, "v1"), At(0), false).ok());
      ASSERT_TRUE(store_->ApplyWorkflow(Draft(name, "v2"), At(0), false).ok());
    }
  }

  Execution Insert(const std::string& workflow, int64_t second,
                   v1::ExecutionPhase phase = v1::EXECUTION_PHASE_PENDING) {
    Execution execution = NewExecution(workflow, 1, At(second));
    execution.set_phase(phase);
    absl::Status status = store_->InsertExecution(execution, "");
    EXPECT_TRUE(status.ok()) << status;
    return execution;
  }

  // Every page of `filter`, `page_size` at a time: the ids in order.
  std::vector<std::string> ListAll(ExecutionFilter filter, int page_size) {
    filter.page_size = page_size;
    std::vector<std::string> ids;
    do {
      absl::StatusOr<ExecutionPage> page = store_->ListExecutions(filter);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      EXPECT_LE(static_cast<int>(page->executions.size()), page_size);
      for (const Execution& execution : page->executions) ids.push_back(execution.id());
      filter.page_token = page->next_page_token;
    } while (!filter.page_token.empty());
    return ids;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(ExecutionStoreTest, InsertThenGet) {
  Execution execution = NewExecution("hello", 2, At(5));
  v1::TaskProgress* task = execution.add_tasks();
  task->set_path("/do/0/greet");
  task->set_name("greet");
  ASSERT_TRUE(store_->InsertExecution(execution, "request-1").ok());
  absl::StatusOr<Execution> stored = store_->GetExecution(execution.id());
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->SerializeAsString(), execution.SerializeAsString());
}

TEST_F(ExecutionStoreTest, GetNamesTheMissingExecution) {
  const std::string id = NewExecutionId();
  absl::Status status = store_->GetExecution(id).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "execution \"" + id + "\" not found");
}

TEST_F(ExecutionStoreTest, InsertChecksItsInput) {
  Execution execution = NewExecution("hello", 1, At(1));
  execution.set_id("hello");
  EXPECT_EQ(store_->InsertExecution(execution, "").code(), absl::StatusCode::kInvalidArgument);
  execution = NewExecution("hello", 1, At(1));
  execution.clear_created_at();
  EXPECT_EQ(store_->InsertExecution(execution, "").code(), absl::StatusCode::kInvalidArgument);
  absl::Status status = store_->InsertExecution(NewExecution("nope", 1, At(1)), "");
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "workflow \"nope\" not found");
  status = store_->InsertExecution(NewExecution("hello", 3, At(1)), "");
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "workflow \"hello\" has no version 3");
  EXPECT_TRUE(store_->ListExecutions({})->executions.empty());
}

TEST_F(ExecutionStoreTest, DuplicateIdOrRequestIdIsAlreadyExists) {
  Execution first = NewExecution("hello", 1, At(1));
  ASSERT_TRUE(store_->InsertExecution(first, "request-1").ok());

  absl::Status same_id = store_->InsertExecution(first, "request-2");
  EXPECT_EQ(same_id.code(), absl::StatusCode::kAlreadyExists);
  Execution second = NewExecution("hello", 1, At(2));
  absl::Status same_request = store_->InsertExecution(second, "request-1");
  EXPECT_EQ(same_request.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->GetExecution(second.id()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->FindExecutionByRequestId("request-2").status().code(),
            absl::StatusCode::kNotFound);

  absl::StatusOr<Execution> found = store_->FindExecutionByRequestId("request-1");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->id(), first.id());
  // No request id is no request id: many executions may have none.
  EXPECT_TRUE(store_->InsertExecution(second, "").ok());
  EXPECT_TRUE(store_->InsertExecution(NewExecution("hello", 1, At(3)), "").ok());
  EXPECT_EQ(store_->FindExecutionByRequestId("").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ExecutionStoreTest, UpdateReplacesTheRecordAndThePhase) {
  Execution execution = Insert("hello", 1);
  execution.set_phase(v1::EXECUTION_PHASE_RUNNING);
  execution.set_temporal_run_id("run-1");
  ASSERT_TRUE(store_->UpdateExecution(execution).ok());
  EXPECT_EQ(store_->GetExecution(execution.id())->temporal_run_id(), "run-1");
  ExecutionFilter running;
  running.phase = v1::EXECUTION_PHASE_RUNNING;
  EXPECT_EQ(store_->ListExecutions(running)->executions.size(), 1u);

  execution.set_phase(v1::EXECUTION_PHASE_COMPLETED);
  execution.set_output(R"({"greeting":"hello world"})");
  ASSERT_TRUE(store_->UpdateExecution(execution).ok());
  EXPECT_TRUE(store_->ListExecutions(running)->executions.empty());
  EXPECT_EQ(store_->GetExecution(execution.id())->output(), R"({"greeting":"hello world"})");
}

TEST_F(ExecutionStoreTest, AnOlderProjectionDoesNotReplaceANewerOne) {
  // Two servers sharing the store read the same run; the slower one stores last.
  Execution execution = Insert("hello", 1);
  Execution newer = execution;
  newer.set_phase(v1::EXECUTION_PHASE_COMPLETED);
  newer.set_output(R"({"done":true})");
  absl::StatusOr<bool> stored = store_->UpdateExecution(newer, /*progress=*/11);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_TRUE(*stored);

  Execution older = execution;
  older.set_phase(v1::EXECUTION_PHASE_RUNNING);
  stored = store_->UpdateExecution(older, /*progress=*/5);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_FALSE(*stored);
  absl::StatusOr<Execution> kept = store_->GetExecution(execution.id());
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(kept->phase(), v1::EXECUTION_PHASE_COMPLETED);
  EXPECT_EQ(kept->output(), R"({"done":true})");
  ExecutionFilter running;
  running.phase = v1::EXECUTION_PHASE_RUNNING;
  EXPECT_TRUE(store_->ListExecutions(running)->executions.empty());

  // The same progress again (both servers projected the close) is stored; more is too.
  EXPECT_TRUE(*store_->UpdateExecution(newer, 11));
  newer.set_output(R"({"done":"again"})");
  EXPECT_TRUE(*store_->UpdateExecution(newer, 12));
  EXPECT_EQ(store_->GetExecution(execution.id())->output(), R"({"done":"again"})");
}

TEST_F(ExecutionStoreTest, UpdateRefusesUnknownIdsAndFixedFields) {
  EXPECT_EQ(store_->UpdateExecution(NewExecution("hello", 1, At(1))).status().code(),
            absl::StatusCode::kNotFound);
  Execution execution = Insert("hello", 1);
  Execution moved = execution;
  moved.set_workflow("other");
  EXPECT_EQ(store_->UpdateExecution(moved).status().code(), absl::StatusCode::kInvalidArgument);
  moved = execution;
  moved.set_workflow_version(2);
  EXPECT_EQ(store_->UpdateExecution(moved).status().code(), absl::StatusCode::kInvalidArgument);
  moved = execution;
  moved.mutable_created_at()->set_seconds(1);
  EXPECT_EQ(store_->UpdateExecution(moved).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ExecutionStoreTest, DeleteRemovesOne) {
  Execution execution = Insert("hello", 1);
  ASSERT_TRUE(store_->DeleteExecution(execution.id()).ok());
  EXPECT_EQ(store_->GetExecution(execution.id()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->DeleteExecution(execution.id()).code(), absl::StatusCode::kNotFound);
}

TEST_F(ExecutionStoreTest, ListIsNewestFirstAcrossPages) {
  std::vector<std::string> expected;
  // Three executions share one creation time: the id breaks the tie.
  for (int64_t second : {1, 2, 3, 3, 3, 4, 5, 6, 7, 8}) {
    expected.push_back(Insert(second % 2 ? "hello" : "other", second).id());
  }
  std::sort(expected.begin(), expected.end());  // ULIDs of one process sort like their times
  std::reverse(expected.begin(), expected.end());
  EXPECT_THAT(ListAll({}, 3), ElementsAreArray(expected));
  EXPECT_THAT(ListAll({}, 1), ElementsAreArray(expected));
  EXPECT_THAT(ListAll({}, 10), ElementsAreArray(expected));
  EXPECT_THAT(ListAll({}, 500), ElementsAreArray(expected));
}

TEST_F(ExecutionStoreTest, ListFiltersByWorkflowAndPhase) {
  std::vector<std::string> hello_running;
  std::vector<std::string> hello_all;
  for (int64_t second = 1; second <= 12; ++second) {
    v1::ExecutionPhase phase =
        second % 3 == 0 ? v1::EXECUTION_PHASE_RUNNING : v1::EXECUTION_PHASE_COMPLETED;
    const std::string workflow = second % 2 ? "hello" : "other";
    Execution execution = Insert(workflow, second, phase);
    if (workflow == "hello") {
      hello_all.insert(hello_all.begin(), execution.id());
      if (phase == v1::EXECUTION_PHASE_RUNNING) {
        hello_running.insert(hello_running.begin(), execution.id());
      }
    }
  }
  ExecutionFilter by_workflow;
  by_workflow.workflow = "hello";
  EXPECT_THAT(ListAll(by_workflow, 2), ElementsAreArray(hello_all));
  // By id too.
  by_workflow.workflow = store_->GetWorkflow("hello", 0)->id();
  EXPECT_THAT(ListAll(by_workflow, 4), ElementsAreArray(hello_all));

  ExecutionFilter both;
  both.workflow = "hello";
  both.phase = v1::EXECUTION_PHASE_RUNNING;
  EXPECT_THAT(ListAll(both, 1), ElementsAreArray(hello_running));  // seconds 9, 3

  ExecutionFilter by_phase;
  by_phase.phase = v1::EXECUTION_PHASE_RUNNING;
  EXPECT_EQ(ListAll(by_phase, 3).size(), 4u);
  by_phase.phase = v1::EXECUTION_PHASE_FAILED;
  EXPECT_TRUE(ListAll(by_phase, 3).empty());

  ExecutionFilter unknown;
  unknown.workflow = "nope";
  EXPECT_TRUE(ListAll(unknown, 3).empty());
}

TEST_F(ExecutionStoreTest, ListRejectsBadTokensAndSizes) {
  ExecutionFilter filter;
  filter.page_token = "bad";
  EXPECT_EQ(store_->ListExecutions(filter).status().code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<WorkflowPage> workflows = store_->ListWorkflows(1, "");
  ASSERT_FALSE(workflows->next_page_token.empty());
  filter.page_token = workflows->next_page_token;  // a token of another list
  EXPECT_EQ(store_->ListExecutions(filter).status().code(), absl::StatusCode::kInvalidArgument);
  filter.page_token.clear();
  filter.page_size = -5;
  EXPECT_EQ(store_->ListExecutions(filter).status().code(), absl::StatusCode::kInvalidArgument);
}

// Servers sharing a store (README, "Scaling out"): each lists only what it follows or nobody
// does, and takes over the open executions of a server that stopped saying it is alive, once.
TEST_F(ExecutionStoreTest, OpenExecutionsOfAServerThatFellSilentAreTakenOverOnce) {
  auto insert = [&](int64_t second, v1::ExecutionPhase phase, const std::string& follower) {
    Execution execution = NewExecution("hello", 1, At(second));
    execution.set_phase(phase);
    absl::Status status = store_->InsertExecution(execution, "", follower);
    EXPECT_TRUE(status.ok()) << status;
    return execution.id();
  };
  const std::string a_open = insert(1, v1::EXECUTION_PHASE_RUNNING, "a");
  insert(2, v1::EXECUTION_PHASE_COMPLETED, "a");
  const std::string b_open = insert(3, v1::EXECUTION_PHASE_RUNNING, "b");
  const std::string nobodys = insert(4, v1::EXECUTION_PHASE_RUNNING, "");
  ASSERT_TRUE(store_->MarkFollowerAlive("a", At(100)).ok());
  ASSERT_TRUE(store_->MarkFollowerAlive("b", At(100)).ok());
  ExecutionFilter b_follows;
  b_follows.phase = v1::EXECUTION_PHASE_RUNNING;
  b_follows.followed_by = "b";
  EXPECT_THAT(ListAll(b_follows, 10), ElementsAreArray({nobodys, b_open}));

  // "a" was alive at 100: not lapsed at 50, lapsed at 200. Its closed execution stays its own.
  EXPECT_EQ(store_->ClaimLapsedExecutions("b", At(50)).value_or(-1), 0);
  EXPECT_EQ(store_->ClaimLapsedExecutions("b", At(200)).value_or(-1), 1);
  EXPECT_THAT(ListAll(b_follows, 10), ElementsAreArray({nobodys, b_open, a_open}));
  // A third server claiming next finds "b" alive again, and takes nothing.
  ASSERT_TRUE(store_->MarkFollowerAlive("b", At(300)).ok());
  EXPECT_EQ(store_->ClaimLapsedExecutions("c", At(200)).value_or(-1), 0);

  // "b" stops: the others may take over at once.
  ASSERT_TRUE(store_->MarkFollowerAlive("b", absl::InfinitePast()).ok());
  EXPECT_EQ(store_->ClaimLapsedExecutions("c", At(1)).value_or(-1), 2);
  ExecutionFilter c_follows = b_follows;
  c_follows.followed_by = "c";
  EXPECT_THAT(ListAll(c_follows, 10), ElementsAreArray({nobodys, b_open, a_open}));
  EXPECT_THAT(ListAll(b_follows, 10), ElementsAreArray({nobodys}));
}

}  // namespace
}  // namespace stigmer::store

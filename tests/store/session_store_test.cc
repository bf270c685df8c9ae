// Agent sessions in the store: the executions that share a session id.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/ulid.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/schema.h"
#include "server/store/sqlite_database.h"
#include "server/store/store.h"
#include "store_test_support.h"
#include "testing/test_env.h"

namespace stigmer::store {
namespace {

using ::stigmer::store::testing::At;
using ::stigmer::store::testing::NewExecution;
using ::stigmer::store::testing::OpenOrDie;
using ::stigmer::testing::TempDir;
using ::stigmer::v1::Execution;
using ::testing::HasSubstr;

class SessionStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SKIP_UNLESS_STORE_READY();
    store_ = OpenOrDie(dir_.path() / "stigmer.db");
    for (const char* name : {"reviewer", "writer"}) {
      stigmer::v1::Agent draft;
      draft.set_name(name);
      draft.set_definition(name);
      draft.set_digest(name);
      ASSERT_TRUE(store_->ApplyAgent(draft, At(0), false).ok());
    }
  }

  // Stores a run of `agent` in `session` created at second `n`, in `phase`.
  Execution Run(const std::string& agent, const std::string& session, int64_t n,
                stigmer::v1::ExecutionPhase phase, const std::string& message = "") {
    Execution run = NewExecution(agent, 1, At(n));
    run.set_agent(agent);
    run.set_session(session);
    run.set_message(message.empty() ? absl::StrCat("message ", n) : message);
    EXPECT_TRUE(store_->InsertExecution(run, "").ok());
    run.set_phase(phase);
    if (phase == stigmer::v1::EXECUTION_PHASE_COMPLETED) {
      run.set_output(absl::StrCat(R"({"answer":"answer )", n, R"("})"));
      *run.mutable_ended_at() = NanosToTimestamp(absl::ToUnixNanos(At(n) + absl::Seconds(1)));
    }
    EXPECT_TRUE(store_->UpdateExecution(run).ok());
    return run;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  const std::string first_ = NewSessionId(At(1));
  const std::string second_ = NewSessionId(At(2));
};

TEST(SessionIdTest, IsSesFollowedByAUlid) {
  const std::string id = NewSessionId();
  EXPECT_EQ(id.substr(0, 4), "ses-");
  EXPECT_TRUE(IsUlid(id.substr(4))) << id;
  EXPECT_TRUE(IsSessionId(id));
  EXPECT_FALSE(IsSessionId("ses-"));
  EXPECT_FALSE(IsSessionId(NewExecutionId()));
  EXPECT_FALSE(IsSessionId("ses-../../etc"));
}

TEST_F(SessionStoreTest, UnknownSessionIsNotFoundAndSaysHowToList) {
  absl::StatusOr<stigmer::v1::Session> session = store_->GetSession(first_);
  ASSERT_EQ(session.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(session.status().message(), HasSubstr(first_));
  EXPECT_THAT(session.status().message(), HasSubstr("stigmer get sessions"));
}

TEST_F(SessionStoreTest, SessionSaysItsAgentTurnsAndLatestRun) {
  Run("reviewer", first_, 1, stigmer::v1::EXECUTION_PHASE_COMPLETED);
  Run("reviewer", first_, 2, stigmer::v1::EXECUTION_PHASE_FAILED);
  const Execution latest = Run("reviewer", first_, 3, stigmer::v1::EXECUTION_PHASE_COMPLETED);
  absl::StatusOr<stigmer::v1::Session> session = store_->GetSession(first_);
  ASSERT_TRUE(session.ok()) << session.status();
  EXPECT_EQ(session->agent(), "reviewer");
  EXPECT_EQ(session->turns(), 3);
  EXPECT_EQ(session->last_message(), "message 3");
  EXPECT_EQ(session->last_execution(), latest.id());
  EXPECT_EQ(session->last_phase(), stigmer::v1::EXECUTION_PHASE_COMPLETED);
  EXPECT_EQ(session->created_at().seconds(), absl::ToUnixSeconds(At(1)));
  EXPECT_EQ(session->last_activity_at().seconds(), absl::ToUnixSeconds(At(4)));
}

TEST_F(SessionStoreTest, ListsTheMostRecentlyActiveFirstAndByAgent) {
  Run("reviewer", first_, 1, stigmer::v1::EXECUTION_PHASE_COMPLETED);
  Run("writer", second_, 2, stigmer::v1::EXECUTION_PHASE_COMPLETED);
  Run("reviewer", first_, 3, stigmer::v1::EXECUTION_PHASE_COMPLETED);
  // A workflow run has no session and lists none.
  ASSERT_TRUE(store_->ApplyWorkflow(testing::Draft("hello", "a"), At(0), false).ok());
  ASSERT_TRUE(store_->InsertExecution(NewExecution("hello", 1, At(4)), "").ok());

  absl::StatusOr<std::vector<stigmer::v1::Session>> all = store_->ListSessions("", 0);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id(), first_);
  EXPECT_EQ((*all)[1].id(), second_);
  absl::StatusOr<std::vector<stigmer::v1::Session>> writer = store_->ListSessions("writer", 0);
  ASSERT_TRUE(writer.ok()) << writer.status();
  ASSERT_EQ(writer->size(), 1u);
  EXPECT_EQ((*writer)[0].id(), second_);
  EXPECT_EQ(store_->ListSessions("", 1)->size(), 1u);
  EXPECT_EQ(store_->ListSessions("", -1).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(SessionStoreTest, TurnsAreTheCompletedRunsNewestFirst) {
  Run("reviewer", first_, 1, stigmer::v1::EXECUTION_PHASE_COMPLETED);
  Run("reviewer", first_, 2, stigmer::v1::EXECUTION_PHASE_FAILED);
  Run("reviewer", first_, 3, stigmer::v1::EXECUTION_PHASE_COMPLETED);
  Run("reviewer", first_, 4, stigmer::v1::EXECUTION_PHASE_COMPLETED);
  Run("reviewer", second_, 5, stigmer::v1::EXECUTION_PHASE_COMPLETED);
  absl::StatusOr<SessionHistory> history = store_->SessionTurns(first_, 2);
  ASSERT_TRUE(history.ok()) << history.status();
  EXPECT_EQ(history->completed, 3);
  ASSERT_EQ(history->newest_first.size(), 2u);
  EXPECT_EQ(history->newest_first[0].message, "message 4");
  EXPECT_EQ(history->newest_first[0].output_json, R"({"answer":"answer 4"})");
  EXPECT_EQ(history->newest_first[1].message, "message 3");
}

TEST_F(SessionStoreTest, SecondOpenRunOfASessionIsRefusedNamingTheFirst) {
  const Execution open = Run("reviewer", first_, 1, stigmer::v1::EXECUTION_PHASE_RUNNING);
  Execution second = NewExecution("reviewer", 1, At(2));
  second.set_agent("reviewer");
  second.set_session(first_);
  absl::Status refused = store_->InsertExecution(second, "");
  ASSERT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << refused;
  EXPECT_THAT(refused.message(), HasSubstr(open.id()));
  EXPECT_THAT(refused.message(), HasSubstr(first_));
  EXPECT_EQ(store_->GetExecution(second.id()).status().code(), absl::StatusCode::kNotFound);

  // Another session is unaffected, and the first takes a run again once its run ended.
  Run("reviewer", second_, 3, stigmer::v1::EXECUTION_PHASE_COMPLETED);
  Execution ended = open;
  ended.set_phase(stigmer::v1::EXECUTION_PHASE_COMPLETED);
  ASSERT_TRUE(store_->UpdateExecution(ended).ok());
  EXPECT_TRUE(store_->InsertExecution(second, "").ok());
}

TEST_F(SessionStoreTest, ExecutionsListBySession) {
  const Execution a = Run("reviewer", first_, 1, stigmer::v1::EXECUTION_PHASE_COMPLETED);
  Run("reviewer", second_, 2, stigmer::v1::EXECUTION_PHASE_COMPLETED);
  const Execution b = Run("reviewer", first_, 3, stigmer::v1::EXECUTION_PHASE_COMPLETED);
  ExecutionFilter filter;
  filter.session = first_;
  absl::StatusOr<ExecutionPage> page = store_->ListExecutions(filter);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->executions.size(), 2u);
  EXPECT_EQ(page->executions[0].id(), b.id());
  EXPECT_EQ(page->executions[1].id(), a.id());
  EXPECT_EQ(page->executions[0].session(), first_);
}

// A store of schema version 2 (before sessions) gains them and keeps its executions.
TEST(SessionSchemaTest, AVersionTwoStoreGainsSessionsAndKeepsItsExecutions) {
  TempDir dir;
  const auto path = dir.path() / "stigmer.db";
  Execution old = NewExecution("hello", 1, At(1));
  {
    auto store = OpenOrDie(path);
    ASSERT_TRUE(store->ApplyWorkflow(testing::Draft("hello", "a"), At(0), false).ok());
    ASSERT_TRUE(store->InsertExecution(old, "").ok());
  }
  {
    absl::StatusOr<std::unique_ptr<SqliteDatabase>> db = SqliteDatabase::Open(path);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE((*db)
                    ->Execute("DROP TABLE followers; ALTER TABLE executions DROP COLUMN follower;"
                              " ALTER TABLE executions DROP COLUMN progress;"
                              " ALTER TABLE workflow_versions DROP COLUMN source_dir;"
                              " DROP TABLE event_cursors; DROP TABLE events;"
                              " DROP INDEX executions_by_session;"
                              " ALTER TABLE executions DROP COLUMN session_id;"
                              " DELETE FROM schema_version WHERE version >= 3")
                    .ok());
    ASSERT_EQ(*CurrentSchemaVersion(**db), 2);
  }
  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  {
    absl::StatusOr<std::unique_ptr<SqliteDatabase>> db = SqliteDatabase::Open(path);
    ASSERT_TRUE(db.ok()) << db.status();
    EXPECT_EQ(*CurrentSchemaVersion(**db), LatestSchemaVersion());
  }
  EXPECT_TRUE(store->GetExecution(old.id()).ok());
  // Its record was projected from nothing yet: the first projection replaces it.
  EXPECT_TRUE(*store->UpdateExecution(old, 4));
  EXPECT_TRUE(store->ListSessions("", 0)->empty());
  stigmer::v1::Agent draft;
  draft.set_name("reviewer");
  draft.set_definition("r");
  draft.set_digest("r");
  ASSERT_TRUE(store->ApplyAgent(draft, At(2), false).ok());
  Execution run = NewExecution("reviewer", 1, At(3));
  run.set_agent("reviewer");
  run.set_session(NewSessionId(At(3)));
  ASSERT_TRUE(store->InsertExecution(run, "").ok());
  EXPECT_EQ(store->GetSession(run.session())->turns(), 1);
}

}  // namespace
}  // namespace stigmer::store

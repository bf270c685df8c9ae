#include <memory>
#include <set>
#include <string>

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
using ::stigmer::v1::Agent;
using ::stigmer::v1::APPLY_OUTCOME_CREATED;
using ::stigmer::v1::APPLY_OUTCOME_UNCHANGED;
using ::stigmer::v1::APPLY_OUTCOME_UPDATED;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// An agent as the API hands it to the store; the definition stands in for its digest.
Agent AgentDraft(const std::string& name, const std::string& definition) {
  Agent draft;
  draft.set_name(name);
  draft.set_description("reviews changes");
  draft.set_model_provider("openai");
  draft.set_model_name("gpt-4o-mini");
  draft.add_tools("files");
  draft.add_tools("shell");
  draft.add_mcp_servers("fs");
  draft.set_definition(definition);
  draft.set_digest(absl::StrCat("digest:", definition));
  return draft;
}

class AgentStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SKIP_UNLESS_STORE_READY();
    store_ = OpenOrDie(dir_.path() / "stigmer.db");
  }

  AgentApplyResult Apply(const std::string& name, const std::string& definition,
                         int64_t second = 0) {
    absl::StatusOr<AgentApplyResult> result =
        store_->ApplyAgent(AgentDraft(name, definition), At(second), /*dry_run=*/false);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : AgentApplyResult{};
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(AgentStoreTest, ApplyCreatesUpdatesAndLeavesUnchanged) {
  AgentApplyResult created = Apply("reviewer", "v1", 1);
  EXPECT_EQ(created.outcome, APPLY_OUTCOME_CREATED);
  EXPECT_TRUE(IsAgentId(created.agent.id())) << created.agent.id();
  EXPECT_EQ(created.agent.version(), 1);
  EXPECT_EQ(created.agent.created_at().seconds(), absl::ToUnixSeconds(At(1)));

  AgentApplyResult updated = Apply("reviewer", "v2", 2);
  EXPECT_EQ(updated.outcome, APPLY_OUTCOME_UPDATED);
  EXPECT_EQ(updated.agent.id(), created.agent.id());
  EXPECT_EQ(updated.agent.version(), 2);
  EXPECT_EQ(updated.agent.created_at().seconds(), absl::ToUnixSeconds(At(1)));
  EXPECT_EQ(updated.agent.updated_at().seconds(), absl::ToUnixSeconds(At(2)));

  AgentApplyResult unchanged = Apply("reviewer", "v2", 3);
  EXPECT_EQ(unchanged.outcome, APPLY_OUTCOME_UNCHANGED);
  EXPECT_EQ(unchanged.agent.version(), 2);
  EXPECT_EQ(unchanged.agent.updated_at().seconds(), absl::ToUnixSeconds(At(2)));
}

TEST_F(AgentStoreTest, EveryVersionIsKeptWithItsSummary) {
  Apply("reviewer", "v1");
  Apply("reviewer", "v2");
  for (int version = 1; version <= 2; ++version) {
    absl::StatusOr<Agent> agent = store_->GetAgent("reviewer", version);
    ASSERT_TRUE(agent.ok()) << agent.status();
    EXPECT_EQ(agent->definition(), absl::StrCat("v", version));
    EXPECT_EQ(agent->description(), "reviews changes");
    EXPECT_EQ(agent->model_provider(), "openai");
    EXPECT_EQ(agent->model_name(), "gpt-4o-mini");
    EXPECT_THAT(agent->tools(), ElementsAre("files", "shell"));
    EXPECT_THAT(agent->mcp_servers(), ElementsAre("fs"));
  }
  absl::StatusOr<Agent> latest = store_->GetAgent("reviewer", 0);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->version(), 2);
  EXPECT_EQ(store_->GetAgent(latest->id(), 0)->name(), "reviewer");  // by id too
  EXPECT_EQ(store_->GetAgent("reviewer", 3).status().message(),
            "agent \"reviewer\" has no version 3");
  EXPECT_EQ(store_->GetAgent("reviewer", -1).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(AgentStoreTest, UnknownNamesSayHowToListTheAgents) {
  absl::Status status = store_->GetAgent("nope", 0).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "agent \"nope\" not found; `stigmer get agents` lists the agents");
  EXPECT_EQ(store_->DeleteAgent("nope").status().message(), status.message());
}

TEST_F(AgentStoreTest, DryRunStoresNothing) {
  absl::StatusOr<AgentApplyResult> dry =
      store_->ApplyAgent(AgentDraft("reviewer", "v1"), At(0), /*dry_run=*/true);
  ASSERT_TRUE(dry.ok()) << dry.status();
  EXPECT_EQ(dry->outcome, APPLY_OUTCOME_CREATED);
  EXPECT_TRUE(absl::IsNotFound(store_->GetAgent("reviewer", 0).status()));
}

TEST_F(AgentStoreTest, ListsByNameInPagesThatNeitherRepeatNorSkip) {
  for (const char* name : {"delta", "alpha", "echo", "charlie", "bravo"}) Apply(name, "v1");
  Apply("alpha", "v2");
  std::vector<std::string> names;
  std::string token;
  int pages = 0;
  do {
    absl::StatusOr<AgentPage> page = store_->ListAgents(2, token);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const Agent& agent : page->agents) {
      names.push_back(agent.name());
      if (agent.name() == "alpha") {
        EXPECT_EQ(agent.version(), 2);  // the latest version
      }
    }
    token = page->next_page_token;
    ++pages;
  } while (!token.empty());
  EXPECT_THAT(names, ElementsAre("alpha", "bravo", "charlie", "delta", "echo"));
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(store_->ListAgents(0, "garbage").status().message(), "invalid page token");
}

TEST_F(AgentStoreTest, DeleteRemovesEveryVersionAndTheNameIsFreeAgain) {
  Apply("reviewer", "v1");
  Apply("reviewer", "v2");
  absl::StatusOr<int> deleted = store_->DeleteAgent("reviewer");
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 2);
  EXPECT_TRUE(absl::IsNotFound(store_->GetAgent("reviewer", 0).status()));
  EXPECT_TRUE(store_->ListAgents(0, "")->agents.empty());
  // The name may now be a workflow's.
  EXPECT_TRUE(store_->ApplyWorkflow(Draft("reviewer", "w"), At(0), false).ok());
}

// `stigmer run NAME` picks a workflow or an agent by name, so no name may be both.
TEST_F(AgentStoreTest, ANameIsAnAgentsOrAWorkflowsNeverBoth) {
  ASSERT_TRUE(store_->ApplyWorkflow(Draft("hello", "w"), At(0), false).ok());
  absl::Status agent = store_->ApplyAgent(AgentDraft("hello", "a"), At(0), false).status();
  EXPECT_EQ(agent.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(agent.message(), HasSubstr("agent \"hello\": the name is already a workflow's"));
  EXPECT_THAT(agent.message(), HasSubstr("`stigmer delete workflow hello`"));
  // A dry run says the same.
  EXPECT_EQ(store_->ApplyAgent(AgentDraft("hello", "a"), At(0), true).status().code(),
            absl::StatusCode::kAlreadyExists);

  Apply("reviewer", "a");
  absl::Status workflow = store_->ApplyWorkflow(Draft("reviewer", "w"), At(0), false).status();
  EXPECT_EQ(workflow.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(workflow.message(),
              HasSubstr("workflow \"reviewer\": the name is already an agent's"));
  EXPECT_THAT(workflow.message(), HasSubstr("`stigmer delete agent reviewer`"));

  // Nothing was stored by the refusals; the others are untouched.
  EXPECT_TRUE(absl::IsNotFound(store_->GetWorkflow("reviewer", 0).status()));
  EXPECT_TRUE(absl::IsNotFound(store_->GetAgent("hello", 0).status()));
  EXPECT_EQ(store_->GetWorkflow("hello", 0)->version(), 1);
  EXPECT_EQ(store_->GetAgent("reviewer", 0)->version(), 1);
}

TEST_F(AgentStoreTest, DeletingAnAgentLeavesWorkflowsAndExecutionsAlone) {
  ASSERT_TRUE(store_->ApplyWorkflow(Draft("hello", "w"), At(0), false).ok());
  ASSERT_TRUE(store_->InsertExecution(NewExecution("hello", 1, At(1)), "").ok());
  Apply("reviewer", "a");
  ASSERT_TRUE(store_->DeleteAgent("reviewer").ok());
  EXPECT_TRUE(store_->GetWorkflow("hello", 0).ok());
  EXPECT_EQ(store_->ListExecutions({})->executions.size(), 1u);
}

TEST_F(AgentStoreTest, ApplyWithoutNameOrDigestIsRefused) {
  EXPECT_EQ(store_->ApplyAgent(AgentDraft("", "a"), At(0), false).status().code(),
            absl::StatusCode::kInvalidArgument);
  Agent no_digest = AgentDraft("reviewer", "a");
  no_digest.clear_digest();
  EXPECT_EQ(store_->ApplyAgent(no_digest, At(0), false).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace stigmer::store

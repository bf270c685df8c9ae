// stigmer-server in-process: AgentService over gRPC, against a store on disk. No Temporal is
// needed: agents are only validated and stored.
#include "absl/strings/str_cat.h"
#include "common/ulid.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/stigmer_server.h"
#include "server_calls.h"
#include "stigmer/v1/agent.grpc.pb.h"
#include "stigmer/v1/workflow.grpc.pb.h"
#include "testing/test_database.h"
#include "testing/test_env.h"

namespace stigmer::server {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kReviewer[] = R"(kind: Agent
name: reviewer
description: Reviews a change
instructions: You review code.
model: {provider: openai, name: gpt-4o-mini, api_key: {env: OPENAI_API_KEY}}
tools: [files, shell]
mcp_servers:
  - {name: fs, command: npx}
)";

class AgentApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SKIP_UNLESS_STORE_READY();
    StartServer();
  }

  void StartServer() {
    ServerOptions options;
    options.port = 0;
    options.temporal_address = absl::StrCat("127.0.0.1:", stigmer::testing::FreePort());
    options.store_path = dir_.path() / "stigmer.db";
    options.database = testing::TestStoreDatabase(options.store_path);  // the PostgreSQL variant
    options.api_token = stigmer::testing::kTestApiToken;
    absl::StatusOr<std::unique_ptr<StigmerServer>> server = StigmerServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    auto channel = stigmer::testing::LocalChannel(server_->port());
    agents_ = stigmer::v1::AgentService::NewStub(channel);
    workflows_ = stigmer::v1::WorkflowService::NewStub(channel);
  }

  grpc::Status Apply(const std::string& definition, stigmer::v1::ApplyAgentResponse* response,
                     bool dry_run = false) {
    grpc::ClientContext context;
    stigmer::v1::ApplyAgentRequest request;
    request.set_definition(definition);
    request.set_dry_run(dry_run);
    return agents_->Apply(&context, request, response);
  }

  grpc::Status Get(const std::string& name, stigmer::v1::Agent* agent, int version = 0) {
    grpc::ClientContext context;
    stigmer::v1::GetAgentRequest request;
    request.set_name(name);
    request.set_version(version);
    return agents_->Get(&context, request, agent);
  }

  stigmer::testing::TempDir dir_;
  std::unique_ptr<StigmerServer> server_;
  std::unique_ptr<stigmer::v1::AgentService::Stub> agents_;
  std::unique_ptr<stigmer::v1::WorkflowService::Stub> workflows_;
};

TEST_F(AgentApiTest, ApplyGetListDeleteAndTheSummary) {
  stigmer::v1::ApplyAgentResponse created;
  ASSERT_TRUE(Apply(kReviewer, &created).ok());
  EXPECT_EQ(created.outcome(), stigmer::v1::APPLY_OUTCOME_CREATED);
  EXPECT_TRUE(IsAgentId(created.agent().id()));
  EXPECT_EQ(created.agent().version(), 1);
  EXPECT_EQ(created.agent().description(), "Reviews a change");
  EXPECT_EQ(created.agent().model_provider(), "openai");
  EXPECT_EQ(created.agent().model_name(), "gpt-4o-mini");
  EXPECT_THAT(created.agent().tools(), ElementsAre("files", "shell"));
  EXPECT_THAT(created.agent().mcp_servers(), ElementsAre("fs"));
  EXPECT_EQ(created.agent().definition(), kReviewer);
  EXPECT_EQ(created.agent().digest().size(), 64u);

  stigmer::v1::ApplyAgentResponse again;
  ASSERT_TRUE(Apply(kReviewer, &again).ok());
  EXPECT_EQ(again.outcome(), stigmer::v1::APPLY_OUTCOME_UNCHANGED);
  EXPECT_EQ(again.agent().version(), 1);

  stigmer::v1::ApplyAgentResponse updated;
  ASSERT_TRUE(Apply(absl::StrCat(kReviewer, "# a comment changes the document\n"), &updated).ok());
  EXPECT_EQ(updated.outcome(), stigmer::v1::APPLY_OUTCOME_UPDATED);
  EXPECT_EQ(updated.agent().version(), 2);

  // The local provider is the default; its model has no name.
  stigmer::v1::ApplyAgentResponse plain;
  ASSERT_TRUE(Apply("kind: Agent\nname: hello-agent\ninstructions: Say hello.\n", &plain).ok());
  EXPECT_EQ(plain.agent().model_provider(), "local");
  EXPECT_EQ(plain.agent().model_name(), "");

  stigmer::v1::Agent first;
  ASSERT_TRUE(Get("reviewer", &first, 1).ok());
  EXPECT_EQ(first.definition(), kReviewer);

  grpc::ClientContext list_context;
  stigmer::v1::ListAgentsRequest list_request;
  list_request.set_page_size(1);
  stigmer::v1::ListAgentsResponse page;
  ASSERT_TRUE(agents_->List(&list_context, list_request, &page).ok());
  ASSERT_EQ(page.agents_size(), 1);
  EXPECT_EQ(page.agents(0).name(), "hello-agent");
  EXPECT_FALSE(page.next_page_token().empty());

  grpc::ClientContext delete_context;
  stigmer::v1::DeleteAgentRequest delete_request;
  delete_request.set_name("reviewer");
  stigmer::v1::DeleteAgentResponse deleted;
  ASSERT_TRUE(agents_->Delete(&delete_context, delete_request, &deleted).ok());
  EXPECT_EQ(deleted.versions_deleted(), 2);
  stigmer::v1::Agent gone;
  grpc::Status not_found = Get("reviewer", &gone);
  EXPECT_EQ(not_found.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(not_found.error_message(),
            "agent \"reviewer\" not found; `stigmer get agents` lists the agents");
}

TEST_F(AgentApiTest, AnInvalidAgentIsRefusedByPointerAndNothingIsStored) {
  stigmer::v1::ApplyAgentResponse response;
  grpc::Status status =
      Apply("kind: Agent\nname: broken\ninstructions: x\ntools: [shell, browser]\n", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("/tools/1: unknown built-in tool \"browser\""));
  stigmer::v1::Agent agent;
  EXPECT_EQ(Get("broken", &agent).error_code(), grpc::StatusCode::NOT_FOUND);
  // A good one beside it is stored.
  EXPECT_TRUE(Apply(kReviewer, &response).ok());
}

TEST_F(AgentApiTest, AnAgentCannotTakeAWorkflowsNameNorTheOtherWayRound) {
  grpc::ClientContext context;
  stigmer::v1::ApplyWorkflowRequest workflow;
  workflow.set_definition(
      "document: {dsl: '1.0.0', namespace: t, name: reviewer, version: '1.0.0'}\n"
      "do:\n  - one:\n      set: {a: 1}\n");
  stigmer::v1::ApplyWorkflowResponse workflow_response;
  ASSERT_TRUE(workflows_->Apply(&context, workflow, &workflow_response).ok());

  stigmer::v1::ApplyAgentResponse response;
  grpc::Status status = Apply(kReviewer, &response, /*dry_run=*/true);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(status.error_message(), HasSubstr("agent \"reviewer\": the name is already a "
                                                "workflow's"));

  ASSERT_TRUE(Apply("kind: Agent\nname: hello\ninstructions: Say hello.\n", &response).ok());
  grpc::ClientContext clash_context;
  workflow.set_definition(
      "document: {dsl: '1.0.0', namespace: t, name: hello, version: '1.0.0'}\n"
      "do:\n  - one:\n      set: {a: 1}\n");
  grpc::Status clash = workflows_->Apply(&clash_context, workflow, &workflow_response);
  EXPECT_EQ(clash.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(clash.error_message(),
              HasSubstr("workflow \"hello\": the name is already an agent's"));
}

TEST_F(AgentApiTest, AgentsAreKeptAcrossARestart) {
  stigmer::v1::ApplyAgentResponse response;
  ASSERT_TRUE(Apply(kReviewer, &response).ok());
  server_.reset();
  StartServer();
  stigmer::v1::Agent agent;
  ASSERT_TRUE(Get(response.agent().id(), &agent).ok());
  EXPECT_EQ(agent.name(), "reviewer");
}

TEST_F(AgentApiTest, CallsNeedTheTokenAndReflectionListsTheService) {
  auto stranger = stigmer::v1::AgentService::NewStub(
      stigmer::testing::LocalChannel(server_->port(), std::string(64, 'a')));
  grpc::ClientContext context;
  stigmer::v1::ListAgentsResponse page;
  grpc::Status status = stranger->List(&context, stigmer::v1::ListAgentsRequest(), &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  absl::StatusOr<std::vector<std::string>> services =
      stigmer::testing::ListServicesByReflection(server_->port());
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_THAT(*services, Contains("stigmer.v1.AgentService"));
}

}  // namespace
}  // namespace stigmer::server

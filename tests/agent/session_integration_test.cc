// Agent sessions end to end below the CLI: stigmer-server in-process on the real Temporal dev
// server, the agent worker on stigmer-agents, the scripted model server as the model.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "agent/agent_runner.h"
#include "agent_runner_suite.h"
#include "common/bearer_token_channel.h"
#include "common/file_io.h"
#include "common/ulid.h"
#include "gmock/gmock.h"
#include "server/session_transcript.h"
#include "server/stigmer_server.h"
#include "server/store/records.h"
#include "server/store/store.h"
#include "stigmer/v1/agent.grpc.pb.h"
#include "stigmer/v1/execution.grpc.pb.h"
#include "stigmer/v1/workflow.grpc.pb.h"
#include "testing/test_database.h"

namespace stigmer::agent {
namespace {

using ::stigmer::v1::Execution;
using ::testing::HasSubstr;

constexpr char kToken[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

class SessionTest : public AgentRunnerTest {
 protected:
  void SetUp() override {
    SKIP_UNLESS_STORE_READY();
    AgentRunnerTest::SetUp();
    server::ServerOptions options;
    options.port = 0;
    options.temporal_address = temporal_address();
    options.store_path = store_path_;
    options.database = testing::TestStoreDatabase(store_path_);  // the PostgreSQL variant
    options.api_token = kToken;
    absl::StatusOr<std::unique_ptr<server::StigmerServer>> server =
        server::StigmerServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    // The server starts agent runs on agent-runner's queue: the worker polls that one, and tells
    // the server of its progress as agent-runner does.
    const std::filesystem::path token_file = store_path_.parent_path() / "api-token";
    ASSERT_TRUE(WriteFileAtomically(token_file, absl::StrCat(kToken, "\n")).ok());
    progress_ = std::make_shared<durable::ProgressReporter>(durable::ProgressReporter::Options{
        .address = absl::StrCat("127.0.0.1:", server_->port()), .token_file = token_file});
    poller_->Stop();
    queue_ = kAgentTaskQueue;
    poller_ = NewWorker();
    poller_->Start();
    channel_ = CreateBearerTokenChannel(absl::StrCat("127.0.0.1:", server_->port()), kToken);
    agents_ = stigmer::v1::AgentService::NewStub(channel_);
    executions_ = stigmer::v1::ExecutionService::NewStub(channel_);
    ApplyAgent("helper", "");
    ApplyAgent("other", "");
    ApplyAgent("careful", "tools: [shell]\nneeds_approval: [shell]\n");
  }

  void TearDown() override {
    server_.reset();
    AgentRunnerTest::TearDown();
  }

  void ApplyAgent(const std::string& name, const std::string& more) {
    grpc::ClientContext context;
    stigmer::v1::ApplyAgentRequest request;
    request.set_definition(absl::StrCat(
        "kind: Agent\nname: ", name, "\ninstructions: Answer briefly.\nmodel: {provider: ",
        "openai-compatible, name: scripted, base_url: '", model_.base_url(), "'}\n", more));
    stigmer::v1::ApplyAgentResponse response;
    grpc::Status status = agents_->Apply(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  grpc::Status Create(const std::string& agent, const std::string& message,
                      const std::string& session, Execution* execution) {
    grpc::ClientContext context;
    stigmer::v1::CreateExecutionRequest request;
    request.set_agent(agent);
    request.set_message(message);
    request.set_session(session);
    return executions_->Create(&context, request, execution);
  }

  Execution Get(const std::string& id) {
    grpc::ClientContext context;
    stigmer::v1::GetExecutionRequest request;
    request.set_id(id);
    Execution execution;
    EXPECT_TRUE(executions_->Get(&context, request, &execution).ok());
    return execution;
  }

  Execution WaitPhase(const std::string& id, stigmer::v1::ExecutionPhase phase) {
    Execution execution;
    EXPECT_TRUE(testing::WaitFor(
        [&] {
          execution = Get(id);
          return execution.phase() == phase;
        },
        absl::Seconds(60)))
        << id << " is " << stigmer::v1::ExecutionPhase_Name(execution.phase());
    return execution;
  }

  // Runs one turn that the model answers with `answer`; the completed record.
  Execution Turn(const std::string& agent, const std::string& message, const std::string& session,
                 const std::string& answer) {
    model_.QueueText(answer);
    Execution created;
    grpc::Status status = Create(agent, message, session, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return WaitPhase(created.id(), stigmer::v1::EXECUTION_PHASE_COMPLETED);
  }

  // The texts of the messages of the model request number `n` (from 0).
  std::vector<std::string> Texts(size_t n) {
    std::vector<std::string> texts;
    const auto requests = model_.requests();
    EXPECT_GT(requests.size(), n);
    if (requests.size() <= n) return texts;
    for (const auto& message : requests[n]["messages"]) {
      texts.push_back(message["content"].is_string() ? message["content"].get<std::string>()
                                                     : message["content"].dump());
    }
    return texts;
  }

  std::filesystem::path store_path_ = temp_.path() / "stigmer.db";
  std::unique_ptr<server::StigmerServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<stigmer::v1::AgentService::Stub> agents_;
  std::unique_ptr<stigmer::v1::ExecutionService::Stub> executions_;
};

TEST_F(SessionTest, TheSecondTurnOfASessionSeesTheFirst) {
  const Execution first = Turn("helper", "My name is Ada.", "", "Hello Ada.");
  ASSERT_TRUE(IsSessionId(first.session())) << first.session();
  const Execution second = Turn("helper", "What is my name?", first.session(), "Ada.");
  EXPECT_EQ(second.session(), first.session());
  EXPECT_EQ(Texts(1), (std::vector<std::string>{"Answer briefly.", "My name is Ada.", "Hello Ada.",
                                                "What is my name?"}));
  // A run without --session starts a session of its own, and sees nothing of the others.
  const Execution fresh = Turn("helper", "Who am I?", "", "I do not know.");
  EXPECT_NE(fresh.session(), first.session());
  EXPECT_EQ(Texts(2), (std::vector<std::string>{"Answer briefly.", "Who am I?"}));

  grpc::ClientContext context;
  stigmer::v1::ListSessionsRequest request;
  request.set_agent("helper");
  stigmer::v1::ListSessionsResponse sessions;
  ASSERT_TRUE(executions_->ListSessions(&context, request, &sessions).ok());
  ASSERT_EQ(sessions.sessions_size(), 2);
  EXPECT_EQ(sessions.sessions(0).id(), fresh.session());
  EXPECT_EQ(sessions.sessions(1).id(), first.session());
  EXPECT_EQ(sessions.sessions(1).turns(), 2);
  EXPECT_EQ(sessions.sessions(1).last_message(), "What is my name?");
}

TEST_F(SessionTest, UnknownMalformedAndAnotherAgentsSessionsAreRefused) {
  const Execution first = Turn("helper", "hi", "", "hello");
  Execution ignored;
  const std::string unknown = NewSessionId();
  grpc::Status status = Create("helper", "hi", unknown, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(),
              HasSubstr(absl::StrCat("session \"", unknown, "\" not found; stigmer get sessions")));
  status = Create("helper", "hi", "ses-nope", &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("\"ses-nope\" is not a session id"));
  status = Create("other", "hi", first.session(), &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              HasSubstr(absl::StrCat("session ", first.session(),
                                     " belongs to agent \"helper\", not \"other\"")));
  {
    grpc::ClientContext context;
    stigmer::v1::ApplyWorkflowRequest apply;
    apply.set_definition(
        "document: {dsl: '1.0.0', namespace: t, name: hello, version: '1.0.0'}\n"
        "do:\n  - one:\n      set: {a: 1}\n");
    stigmer::v1::ApplyWorkflowResponse applied;
    ASSERT_TRUE(
        stigmer::v1::WorkflowService::NewStub(channel_)->Apply(&context, apply, &applied).ok());
    grpc::ClientContext create_context;
    stigmer::v1::CreateExecutionRequest request;
    request.set_workflow("hello");
    request.set_session(first.session());
    status = executions_->Create(&create_context, request, &ignored);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(),
                HasSubstr("\"hello\" is a workflow: sessions are for agent runs"));
  }
  // Nothing of these was stored or run.
  grpc::ClientContext context;
  stigmer::v1::ListExecutionsRequest request;
  stigmer::v1::ListExecutionsResponse listed;
  ASSERT_TRUE(executions_->List(&context, request, &listed).ok());
  EXPECT_EQ(listed.executions_size(), 1);
  EXPECT_EQ(model_.requests().size(), 1u);
}

TEST_F(SessionTest, ASecondRunOfABusySessionIsRefusedWhileAnotherSessionRuns) {
  const Execution first = Turn("careful", "start", "", "started");
  model_.QueueToolCall("call_1", "shell", {{"command", "echo hi"}});
  Execution waiting;
  ASSERT_TRUE(Create("careful", "run a command", first.session(), &waiting).ok());
  WaitPhase(waiting.id(), stigmer::v1::EXECUTION_PHASE_WAITING_APPROVAL);

  Execution refused;
  grpc::Status status = Create("careful", "and another", first.session(), &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(),
              HasSubstr(absl::StrCat("session ", first.session(), " is busy: its run ",
                                     waiting.id(), " has not ended")));
  // Another session of the same agent runs meanwhile.
  const Execution other = Turn("careful", "elsewhere", "", "done elsewhere");
  EXPECT_NE(other.session(), first.session());

  model_.QueueText("denied, fine");
  grpc::ClientContext context;
  stigmer::v1::ApproveRequest deny;
  deny.set_id(waiting.id());
  deny.set_approved(false);
  deny.set_reason("not now");
  Execution decided;
  ASSERT_TRUE(executions_->Approve(&context, deny, &decided).ok());
  WaitPhase(waiting.id(), stigmer::v1::EXECUTION_PHASE_COMPLETED);
  // Ended: the session takes a run again.
  Turn("careful", "again", first.session(), "again done");
}

// A session of 1,000 turns: the run of turn 1,001 reads a bounded transcript (the newest turns,
// and a note saying how many were left out), so its start and its model request stay small.
TEST_F(SessionTest, AThousandTurnSessionStartsWithABoundedTranscript) {
  const Execution first = Turn("helper", "turn 1", "", "answer 1");
  {
    absl::StatusOr<std::unique_ptr<store::Store>> store =
        store::Store::OpenDatabase(testing::TestStoreDatabase(store_path_), store_path_);
    ASSERT_TRUE(store.ok()) << store.status();
    const std::string padding(900, '.');
    for (int i = 2; i <= 1000; ++i) {
      Execution run;
      const absl::Time at = absl::Now();
      run.set_id(NewExecutionId(at));
      run.set_workflow("helper");
      run.set_workflow_version(1);
      run.set_agent("helper");
      run.set_session(first.session());
      run.set_phase(stigmer::v1::EXECUTION_PHASE_COMPLETED);
      run.set_message(absl::StrCat("turn ", i, padding));
      run.set_output(nlohmann::json({{"answer", absl::StrCat("answer ", i, padding)}}).dump());
      *run.mutable_created_at() = store::NanosToTimestamp(absl::ToUnixNanos(at));
      ASSERT_TRUE((*store)->InsertExecution(run, "").ok());
    }
  }
  const Execution last = Turn("helper", "turn 1001", first.session(), "answer 1001");
  const std::vector<std::string> texts = Texts(1);
  ASSERT_GT(texts.size(), 10u);
  const size_t kept = (texts.size() - 3) / 2;  // instructions, note, turns, new message
  EXPECT_EQ(texts[1], server::OmittedTurnsNote(static_cast<int64_t>(1000 - kept)));
  EXPECT_EQ(texts[texts.size() - 2], absl::StrCat("answer 1000", std::string(900, '.')));
  EXPECT_EQ(texts.back(), "turn 1001");
  EXPECT_GT(kept, 20u);  // the budget is used, not starved
  EXPECT_LT(model_.requests()[1].dump().size(), server::kMaxTranscriptBytes + 4096);

  // The start payload is as small as the transcript.
  auto history = client_->GetFullHistory(last.id());
  ASSERT_TRUE(history.ok()) << history.status();
  const auto& started = (*history)[0].workflow_execution_started_event_attributes();
  ASSERT_GE(started.input().payloads_size(), 2);
  EXPECT_LT(started.input().payloads(1).ByteSizeLong(), server::kMaxTranscriptBytes + 1024);
}

}  // namespace
}  // namespace stigmer::agent

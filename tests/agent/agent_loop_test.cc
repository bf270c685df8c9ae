// The agent loop over a scripted context: what the model answers and what tools return is
// given per turn, as a replay of history would give it.

#include "agent/agent_loop.h"

#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stigmer::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using State = AgentRunResult::State;

class ScriptedContext : public AgentContext {
 public:
  std::map<int, Step<ChatAnswer>> answers;            // by turn; absent: pending
  std::map<std::string, Step<ToolOutput>> outputs;    // by call id; absent: pending
  std::map<std::string, ApprovalDecision> decisions;  // by call id; absent: pending
  std::vector<ChatRequest> model_requests;
  std::vector<std::string> tool_calls;  // call ids, in the order asked
  std::vector<std::string> approvals_asked;
  std::vector<std::string> recorded;  // "turn:role:text"

  absl::StatusOr<Step<ChatAnswer>> CallModel(int turn, const ChatRequest& request) override {
    model_requests.push_back(request);
    auto found = answers.find(turn);
    return found == answers.end() ? Step<ChatAnswer>::Pending() : found->second;
  }
  absl::StatusOr<Step<ToolOutput>> CallTool(int, const ToolCall& call, const AgentTool&) override {
    tool_calls.push_back(call.id);
    auto found = outputs.find(call.id);
    return found == outputs.end() ? Step<ToolOutput>::Pending() : found->second;
  }
  absl::StatusOr<Step<ApprovalDecision>> AwaitApproval(int, const ToolCall& call) override {
    approvals_asked.push_back(call.id);
    auto found = decisions.find(call.id);
    return found == decisions.end() ? Step<ApprovalDecision>::Pending()
                                    : Step<ApprovalDecision>::Done(found->second);
  }
  absl::Status Record(int turn, const ChatMessage& message) override {
    recorded.push_back(absl::StrCat(turn, ":", RoleName(message.role), ":", message.text));
    return absl::OkStatus();
  }
};

Step<ChatAnswer> Text(const std::string& text) { return Step<ChatAnswer>::Done({.text = text}); }

Step<ChatAnswer> Calls(std::vector<ToolCall> calls) {
  return Step<ChatAnswer>::Done(
      {.tool_calls = std::move(calls), .finish_reason = FinishReason::kToolCalls});
}

ToolCall Weather(const std::string& id, const std::string& city) {
  return {.id = id, .name = "weather", .arguments = {{"city", city}}};
}

AgentRunInput Input() {
  return {.model = "m",
          .instructions = "Be brief.",
          .message = "Weather in Paris?",
          .tools = {{.spec = {.name = "weather"}, .runner = "http"},
                    {.spec = {.name = "rm"}, .runner = "shell", .needs_approval = true},
                    {.spec = {.name = "todos"}, .runner = "todos"}}};
}

TEST(AgentLoopTest, AToolCallThenAnAnswer) {
  ScriptedContext context;
  context.answers[1] = Calls({Weather("c1", "Paris")});
  context.outputs["c1"] = Step<ToolOutput>::Done({.text = "18 C"});
  context.answers[2] = Text("18 C in Paris.");
  absl::StatusOr<AgentRunResult> result = RunAgentLoop(Input(), context);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->state, State::kCompleted);
  EXPECT_EQ(result->answer, "18 C in Paris.");
  EXPECT_EQ(result->model_calls, 2);
  EXPECT_EQ(result->tool_calls, 1);
  ASSERT_EQ(result->messages.size(), 4u);  // user, call, result, answer
  EXPECT_EQ(result->messages[2].role, Role::kTool);
  EXPECT_EQ(result->messages[2].tool_call_id, "c1");
  // The second model call sees the system prompt, the question, the call and its result.
  ASSERT_EQ(context.model_requests.size(), 2u);
  const auto& seen = context.model_requests[1].messages;
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].role, Role::kSystem);
  EXPECT_EQ(seen[3].text, "18 C");
  EXPECT_EQ(context.model_requests[1].tools.size(), 3u);
  EXPECT_THAT(context.recorded, ElementsAre("0:user:Weather in Paris?", "1:assistant:",
                                            "1:tool:18 C", "2:assistant:18 C in Paris."));
}

TEST(AgentLoopTest, SuspendsOnAPendingModelCall) {
  ScriptedContext context;
  absl::StatusOr<AgentRunResult> result = RunAgentLoop(Input(), context);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->state, State::kSuspended);
  EXPECT_EQ(context.model_requests.size(), 1u);
}

TEST(AgentLoopTest, CallsOfOneTurnAllStartBeforeTheLoopWaits) {
  ScriptedContext context;
  context.answers[1] = Calls({Weather("c1", "Paris"), Weather("c2", "Oslo")});
  context.outputs["c2"] = Step<ToolOutput>::Done({.text = "4 C"});
  absl::StatusOr<AgentRunResult> result = RunAgentLoop(Input(), context);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->state, State::kSuspended);
  EXPECT_THAT(context.tool_calls, ElementsAre("c1", "c2"));
  EXPECT_EQ(context.model_requests.size(), 1u);
}

TEST(AgentLoopTest, UnknownToolsBadArgumentsAndToolFailuresGoBackToTheModel) {
  ScriptedContext context;
  ToolCall garbled = Weather("c2", "x");
  garbled.arguments_error = "not JSON";
  context.answers[1] = Calls({{.id = "c1", .name = "browse"}, garbled, Weather("c3", "Rome")});
  context.outputs["c3"] = Step<ToolOutput>::Failed("HTTP 503 from the weather service");
  context.answers[2] = Text("Sorry.");
  absl::StatusOr<AgentRunResult> result = RunAgentLoop(Input(), context);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->state, State::kCompleted);
  const auto& seen = context.model_requests[1].messages;
  ASSERT_EQ(seen.size(), 6u);
  EXPECT_EQ(seen[3].text, "error: there is no tool \"browse\"; the tools are: weather, rm, todos");
  EXPECT_THAT(seen[4].text, HasSubstr("were not usable: not JSON"));
  EXPECT_EQ(seen[5].text, "error: HTTP 503 from the weather service");
  EXPECT_THAT(context.tool_calls, ElementsAre("c3"));
}

TEST(AgentLoopTest, ApprovalWaitsThenADenialIsToldToTheModel) {
  ScriptedContext context;
  context.answers[1] = Calls({{.id = "c1", .name = "rm", .arguments = {{"path", "/"}}}});
  absl::StatusOr<AgentRunResult> waiting = RunAgentLoop(Input(), context);
  ASSERT_TRUE(waiting.ok());
  EXPECT_EQ(waiting->state, State::kSuspended);
  EXPECT_TRUE(context.tool_calls.empty()) << "ran before approval";

  context.decisions["c1"] = {.approved = false, .reason = "not on my machine"};
  context.answers[2] = Text("Understood.");
  absl::StatusOr<AgentRunResult> denied = RunAgentLoop(Input(), context);
  ASSERT_TRUE(denied.ok());
  EXPECT_EQ(denied->state, State::kCompleted);
  EXPECT_TRUE(context.tool_calls.empty());
  EXPECT_EQ(context.model_requests.back().messages.back().text,
            "error: the user denied this call: not on my machine");
}

TEST(AgentLoopTest, AnApprovedCallRuns) {
  ScriptedContext context;
  context.answers[1] = Calls({{.id = "c1", .name = "rm", .arguments = {{"path", "tmp"}}}});
  context.decisions["c1"] = {.approved = true};
  absl::StatusOr<AgentRunResult> result = RunAgentLoop(Input(), context);
  ASSERT_TRUE(result.ok());
  EXPECT_THAT(context.tool_calls, ElementsAre("c1"));
}

TEST(AgentLoopTest, TodosArePureStateOfTheRun) {
  ScriptedContext context;
  context.answers[1] =
      Calls({{.id = "t1",
              .name = "todos",
              .arguments = {{"todos",
                             {{{"content", "look"}, {"status", "done"}},
                              {{"content", "answer"}, {"status", "in_progress"}}}}}}});
  context.answers[2] = Text("Done.");
  absl::StatusOr<AgentRunResult> result = RunAgentLoop(Input(), context);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(context.tool_calls.empty());
  EXPECT_EQ(result->todos.size(), 2u);
  EXPECT_EQ(context.model_requests[1].messages.back().text, "[done] look\n[in_progress] answer");
}

TEST(AgentLoopTest, GuardsEndTheRunNamingTheLimit) {
  ScriptedContext context;
  for (int turn = 1; turn <= 10; ++turn) context.answers[turn] = Calls({Weather("c", "Paris")});
  context.outputs["c"] = Step<ToolOutput>::Done({.text = "18 C"});
  AgentRunInput input = Input();
  absl::StatusOr<AgentRunResult> repeated = RunAgentLoop(input, context);
  ASSERT_TRUE(repeated.ok());
  EXPECT_EQ(repeated->state, State::kFailed);
  EXPECT_EQ(repeated->error,
            "the agent called weather with the same arguments 4 times in a row "
            "(limits.max_identical_tool_calls is 3); it is likely stuck in a loop");

  input.limits.max_identical_tool_calls = 100;
  input.limits.max_model_calls = 5;
  absl::StatusOr<AgentRunResult> many = RunAgentLoop(input, context);
  ASSERT_TRUE(many.ok());
  EXPECT_EQ(many->error,
            "the agent made 5 model calls without a final answer, the most its "
            "limits.max_model_calls allows");

  input.limits.max_model_calls = 50;
  input.limits.max_tool_calls = 2;
  absl::StatusOr<AgentRunResult> tools = RunAgentLoop(input, context);
  ASSERT_TRUE(tools.ok());
  EXPECT_EQ(tools->error,
            "the agent asked for more than 2 tool calls, the most its "
            "limits.max_tool_calls allows");
}

TEST(AgentLoopTest, AFailedModelCallFailsTheRun) {
  ScriptedContext context;
  context.answers[1] = Step<ChatAnswer>::Failed("openai answered HTTP 401: bad key");
  absl::StatusOr<AgentRunResult> result = RunAgentLoop(Input(), context);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->state, State::kFailed);
  EXPECT_EQ(result->error, "openai answered HTTP 401: bad key");
}

}  // namespace
}  // namespace stigmer::agent

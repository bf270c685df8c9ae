// A model server that misbehaves (answers that are not JSON, answers too big for Temporal) fails
// only the run it serves, with an error that names the problem, and tool arguments nested without
// end are an error the model reads, while a good run on the same worker completes at the same time.

#include <string>

#include "agent/agent_runner_suite.h"
#include "durable/workflow_failure.h"
#include "gmock/gmock.h"

namespace stigmer::agent {
namespace {

using ::testing::HasSubstr;

class AgentHostileModelTest : public AgentRunnerTest {
 protected:
  // An agent whose model is the misbehaving server.
  nlohmann::json BadAgent() const {
    nlohmann::json agent = Agent({"files"});
    agent["model"]["base_url"] = bad_.base_url();
    return agent;
  }

  // Starts the bad run and a good one together; the good one completes with its answer and
  // the detail of the bad one's failure is returned.
  std::string RunBesideAGoodRun(const std::string& name) {
    model_.QueueToolCall("good_1", "files", {{"operation", "list"}, {"path", "."}});
    model_.QueueText("The good run is done.");
    const std::string bad = Start("aex-bad-" + name, BadAgent(), "Misbehave");
    const std::string good = Start("aex-good-" + name, Agent({"files"}), "Behave");
    const auto good_events = WaitClosed(good);
    EXPECT_EQ(Output(good_events)["answer"], "The good run is done.");
    const auto bad_events = WaitClosed(bad);
    if (bad_events.empty() || !bad_events.back().has_workflow_execution_failed_event_attributes())
      return "the bad run did not fail";
    return durable::ErrorFromFailure(
               bad_events.back().workflow_execution_failed_event_attributes().failure())
        .detail;
  }

  testing::ScriptedModelServer bad_;
};

// A chat completion body whose message is `content`.
std::string Answer(std::string content) {
  return nlohmann::json{{"choices",
                         {{{"index", 0},
                           {"message", {{"role", "assistant"}, {"content", std::move(content)}}},
                           {"finish_reason", "stop"}}}}}
      .dump();
}

TEST_F(AgentHostileModelTest, AnAnswerThatIsNotJsonFailsOnlyItsRun) {
  bad_.Queue({.status = 200, .body = "<html>502 Bad Gateway</html>"});
  const std::string failure = RunBesideAGoodRun("not-json");
  EXPECT_THAT(failure, HasSubstr("JSON"));
  EXPECT_EQ(bad_.request_count(), 1u) << "a malformed answer is not retried";
}

TEST_F(AgentHostileModelTest, AnAnswerOverTheSizeLimitFailsOnlyItsRunNamingTheLimit) {
  bad_.Queue({.status = 200, .body = Answer(std::string(9 << 20, 'x'))});
  const std::string failure = RunBesideAGoodRun("huge");
  EXPECT_THAT(failure, HasSubstr("sent an answer over 8388608 bytes"));
}

TEST_F(AgentHostileModelTest, AnAnswerTooBigForTemporalFailsOnlyItsRunNamingTheLimit) {
  // Under the model call's own cap, over what Temporal keeps in one event.
  bad_.Queue({.status = 200, .body = Answer(std::string(3 << 20, 'y'))});
  const std::string failure = RunBesideAGoodRun("too-big-for-history");
  EXPECT_THAT(failure, HasSubstr("the llm.chat step's result is 3 MiB; one value sent to "
                                 "Temporal may hold at most 2 MiB: make the step return less"));
}

TEST_F(AgentHostileModelTest, ToolArgumentsNestedWithoutEndAreAnErrorTheModelReads) {
  std::string nested;
  for (int i = 0; i < 100000; ++i) nested += "{\"a\":";
  nested += "1";
  for (int i = 0; i < 100000; ++i) nested += "}";
  nlohmann::json answer = {{"choices",
                            {{{"index", 0},
                              {"message",
                               {{"role", "assistant"},
                                {"content", nullptr},
                                {"tool_calls",
                                 {{{"id", "deep"},
                                   {"type", "function"},
                                   {"function", {{"name", "files"}, {"arguments", nested}}}}}}}},
                              {"finish_reason", "tool_calls"}}}}};
  bad_.Queue({.status = 200, .body = answer.dump()});
  bad_.QueueText("I could not call the tool.");
  model_.QueueText("The good run is done.");
  const std::string bad = Start("aex-bad-deep", BadAgent(), "Misbehave");
  const std::string good = Start("aex-good-deep", Agent({"files"}), "Behave");
  EXPECT_EQ(Output(WaitClosed(good))["answer"], "The good run is done.");
  EXPECT_EQ(Output(WaitClosed(bad))["answer"], "I could not call the tool.");
  const std::vector<nlohmann::json> requests = bad_.requests();
  ASSERT_EQ(requests.size(), 2u);
  const nlohmann::json& tool_message = requests[1]["messages"].back();
  EXPECT_EQ(tool_message["role"], "tool") << tool_message.dump();
  EXPECT_THAT(tool_message.dump(), HasSubstr("nested deeper than 256 levels"));
}

}  // namespace
}  // namespace stigmer::agent

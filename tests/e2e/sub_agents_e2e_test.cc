// Agents calling agents through the daemon, with the real Temporal, stigmer-server,
// workflow-runner and agent-runner, and the scripted model server choosing the answers: a
// sub-agent's steps shown indented under the call, a missing sub-agent named at start, and
// examples/agents/ask-agent.yaml (a workflow's `call: agent`) run to its output.

#include "absl/strings/str_cat.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/scripted_model_server.h"
#include "testing/stigmer_home.h"
#include "testing/test_env.h"

namespace stigmer::testing {
namespace {

using ::testing::HasSubstr;

// An agent document named `name` whose model is `model`.
std::string AgentYaml(const std::string& name, const ScriptedModelServer& model,
                      const std::string& more = "") {
  return absl::StrCat("kind: Agent\nname: ", name, "\ndescription: Knows about ", name,
                      "\ninstructions: Answer briefly.\nmodel:\n  provider: openai-compatible\n"
                      "  name: scripted\n  base_url: ",
                      model.base_url(), "\n", more);
}

std::filesystem::path Write(const StigmerHome& home, const std::string& file,
                            const std::string& text) {
  const std::filesystem::path path = home.paths().home() / file;
  EXPECT_TRUE(WriteFileAtomically(path, text).ok());
  return path;
}

TEST(SubAgents, RunShowsTheSubAgentsStepsIndentedUnderTheCall) {
  StigmerHome home;
  ScriptedModelServer model;
  const auto file = Write(home, "agents.yaml",
                          absl::StrCat(AgentYaml("researcher", model), "---\n",
                                       AgentYaml("lead", model, "sub_agents: [researcher]\n")));
  ASSERT_EQ(home.Run({"apply", "-f", file.string()}).exit_code, 0);
  model.QueueToolCall("call_1", "researcher", {{"message", "What is x?"}});
  model.QueueText("x is 42");
  model.QueueText("The researcher says x is 42.");

  CommandResult run = home.Run({"run", "lead", "-m", "What is x?"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr(R"(→ researcher {"message":"What is x?"})"));
  EXPECT_THAT(run.out, HasSubstr("\n    x is 42\n")) << run.out;  // the sub-agent's turn
  EXPECT_THAT(run.out, HasSubstr("researcher ("));
  EXPECT_THAT(run.out, HasSubstr("The researcher says x is 42."));
}

TEST(SubAgents, AMissingSubAgentIsNamedWhenTheRunStarts) {
  StigmerHome home;
  ScriptedModelServer model;
  const auto file = Write(home, "lead.yaml", AgentYaml("lead", model, "sub_agents: [ghost]\n"));
  ASSERT_EQ(home.Run({"apply", "-f", file.string()}).exit_code, 0);
  CommandResult run = home.Run({"run", "lead", "-m", "hi"});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_THAT(run.err, HasSubstr("agent \"lead\" names sub-agent \"ghost\", which does not exist"));
  EXPECT_EQ(model.request_count(), 0u);
}

TEST(SubAgents, TheAskAgentExampleCallsAnAgentFromAWorkflow) {
  StigmerHome home;
  ScriptedModelServer model;
  // hello-agent as the example names it, answering through the scripted model.
  const auto agent = Write(home, "hello-agent.yaml", AgentYaml("hello-agent", model));
  const std::string example = (SourceDir() / "examples" / "agents" / "ask-agent.yaml").string();
  ASSERT_EQ(home.Run({"apply", "-f", agent.string(), "-f", example}).exit_code, 0);
  model.QueueText("Hello, Ada!");

  CommandResult run = home.Run({"run", "ask-agent", "--input", R"({"name": "Ada"})"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr(R"("greeting": "Hello, Ada!")"));
  ASSERT_EQ(model.request_count(), 1u);
  EXPECT_THAT(model.requests()[0].dump(), HasSubstr("Hello, my name is Ada."));
}

TEST(SubAgents, AWorkflowCallingAMissingAgentIsRefusedAtApplyAndAtStartNamingIt) {
  StigmerHome home;
  ScriptedModelServer model;
  const std::string example = (SourceDir() / "examples" / "agents" / "ask-agent.yaml").string();
  CommandResult alone = home.Run({"apply", "-f", example});
  EXPECT_EQ(alone.exit_code, 1);
  EXPECT_THAT(alone.err, HasSubstr("workflow \"ask-agent\" calls agent \"hello-agent\", which "
                                   "does not exist: apply it first, or in the same batch"));
  EXPECT_THAT(alone.err, HasSubstr("nothing was applied"));

  // Applied together, then the agent deleted: the start names it.
  const auto agent = Write(home, "hello-agent.yaml", AgentYaml("hello-agent", model));
  ASSERT_EQ(home.Run({"apply", "-f", example, "-f", agent.string()}).exit_code, 0);
  ASSERT_EQ(home.Run({"delete", "agent", "hello-agent"}).exit_code, 0);
  CommandResult run = home.Run({"run", "ask-agent", "--input", R"({"name": "Ada"})"});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_THAT(run.err, HasSubstr("workflow \"ask-agent\" calls agent \"hello-agent\", which "
                                 "does not exist: apply it first"));
  EXPECT_EQ(model.request_count(), 0u);
}

}  // namespace
}  // namespace stigmer::testing

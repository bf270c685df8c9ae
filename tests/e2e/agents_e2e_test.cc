// `stigmer apply` and `stigmer run AGENT -m` through the daemon, with the real Temporal and
// agent-runner, and the scripted model server choosing the model's answers.
#include "absl/strings/str_cat.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/scripted_model_server.h"
#include "testing/stigmer_home.h"

namespace stigmer::testing {
namespace {

using ::testing::HasSubstr;

// An agent whose model is `model`, with the shell tool.
std::filesystem::path WriteAgent(const StigmerHome& home, const ScriptedModelServer& model) {
  const std::filesystem::path file = home.paths().home() / "helper.yaml";
  EXPECT_TRUE(WriteFileAtomically(file, absl::StrCat(R"(kind: Agent
name: helper
instructions: Answer with the help of the shell.
model:
  provider: openai-compatible
  name: scripted
  base_url: )",
                                                     model.base_url(), R"(
tools: [shell]
)"))
                  .ok());
  return file;
}

TEST(Agents, RunShowsTheToolCallItsResultAndTheAnswer) {
  StigmerHome home;
  ScriptedModelServer model;
  ASSERT_EQ(home.Run({"apply", "-f", WriteAgent(home, model).string()}).exit_code, 0);
  model.QueueToolCall("call_1", "shell", {{"command", "echo hi from the shell"}});
  model.QueueText("The shell said hi.");

  CommandResult run = home.Run({"run", "helper", "-m", "Ask the shell to say hi"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr(R"(→ shell {"command":"echo hi from the shell"})"));
  EXPECT_THAT(run.out, HasSubstr("shell ("));
  EXPECT_THAT(run.out, HasSubstr("  stdout:"));
  EXPECT_THAT(run.out, HasSubstr("hi from the shell"));
  EXPECT_THAT(run.out, HasSubstr("completed"));
  EXPECT_THAT(run.out, HasSubstr("The shell said hi."));
  EXPECT_EQ(model.request_count(), 2u);

  // The record: the agent, the message, each step with what it said.
  const size_t at = run.out.find("wex-");
  ASSERT_NE(at, std::string::npos);
  const std::string id = run.out.substr(at, run.out.find_first_of(" \n", at) - at);
  CommandResult record = home.Run({"get", "executions", id, "-o", "json"});
  ASSERT_EQ(record.exit_code, 0) << record.err;
  const nlohmann::json execution = nlohmann::json::parse(record.out);
  EXPECT_EQ(execution["agent"], "helper");
  EXPECT_EQ(execution["message"], "Ask the shell to say hi");
  EXPECT_EQ(execution["phase"], "EXECUTION_PHASE_COMPLETED") << record.out;
  ASSERT_EQ(execution["tasks"].size(), 4u) << record.out;  // user, model, shell, model
  EXPECT_EQ(execution["tasks"][2]["output"]["text"], "exit code 0\nstdout:\nhi from the shell")
      << record.out;
  EXPECT_EQ(execution["tasks"][2]["name"], "shell");
}

TEST(Agents, AnAgentRunWithoutAMessageOrAWorkflowRunWithOneIsRefusedSayingWhatToDo) {
  StigmerHome home;
  ScriptedModelServer model;
  ASSERT_EQ(home.Run({"apply", "-f", WriteAgent(home, model).string()}).exit_code, 0);
  CommandResult no_message = home.Run({"run", "helper"});
  EXPECT_NE(no_message.exit_code, 0);
  EXPECT_THAT(no_message.err, HasSubstr("is an agent"));
  EXPECT_THAT(no_message.err, HasSubstr("-m"));
  CommandResult unknown = home.Run({"run", "nobody", "-m", "hello"});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_THAT(unknown.err, HasSubstr("agent \"nobody\" not found"));
  EXPECT_EQ(model.request_count(), 0u);
}

}  // namespace
}  // namespace stigmer::testing

// `stigmer apply` and `stigmer run AGENT -m` through the daemon, with the real Temporal and
// agent-runner, and the scripted model server choosing the model's answers.
#include "absl/strings/ascii.h"
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

// An agent whose model is `model`, with the shell tool.
std::filesystem::path WriteAgent(const StigmerHome& home, const ScriptedModelServer& model,
                                 const std::string& more = "") {
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
)",
                                                     more))
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

// The execution record as `get executions ID -o json` prints it (null when it fails).
nlohmann::json Record(const StigmerHome& home, const std::string& id) {
  CommandResult record = home.Run({"get", "executions", id, "-o", "json"});
  if (record.exit_code != 0) return nullptr;
  return nlohmann::json::parse(record.out, nullptr, false);
}

// Waits until the run waits for the approval of `call_id`.
bool WaitsFor(const StigmerHome& home, const std::string& id, const std::string& call_id) {
  return WaitFor(
      [&] {
        const nlohmann::json record = Record(home, id);
        return record.is_object() &&
               record.value("phase", "") == "EXECUTION_PHASE_WAITING_APPROVAL" &&
               record["pending_approvals"].is_array() && record["pending_approvals"].size() == 1 &&
               record["pending_approvals"][0].value("call_id", "") == call_id;
      },
      absl::Seconds(60));
}

TEST(Agents, AToolThatNeedsApprovalWaitsRunsWhenApprovedAndIsRefusedWithTheReasonWhenDenied) {
  StigmerHome home;
  ScriptedModelServer model;
  const std::filesystem::path file = WriteAgent(home, model, "needs_approval: [shell]\n");
  ASSERT_EQ(home.Run({"apply", "-f", file.string()}).exit_code, 0);
  model.QueueToolCall("c1", "shell", {{"command", "echo approved-run"}});
  model.QueueToolCall("c2", "shell", {{"command", "echo denied-run"}});
  model.QueueText("Done.");
  CommandResult started =
      home.Run({"-q", "run", "helper", "-m", "Run two commands", "--no-follow"});
  ASSERT_EQ(started.exit_code, 0) << started.err;
  const std::string id(absl::StripTrailingAsciiWhitespace(started.out));

  ASSERT_TRUE(WaitsFor(home, id, "c1"));
  EXPECT_EQ(model.request_count(), 1u);  // nothing runs while it waits
  CommandResult approved = home.Run({"approve", id});
  ASSERT_EQ(approved.exit_code, 0) << approved.err;
  EXPECT_THAT(approved.out, HasSubstr("approved the call of " + id));

  ASSERT_TRUE(WaitsFor(home, id, "c2"));
  CommandResult wrong = home.Run({"approve", id, "--call", "nope"});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_THAT(wrong.err, HasSubstr("no call nope waits; name one with --call: c2 (shell)"));
  CommandResult denied = home.Run({"deny", id, "--call", "c2", "--reason", "not today"});
  ASSERT_EQ(denied.exit_code, 0) << denied.err;

  ASSERT_TRUE(
      WaitFor([&] { return Record(home, id).value("phase", "") == "EXECUTION_PHASE_COMPLETED"; },
              absl::Seconds(60)));
  const std::vector<nlohmann::json> requests = model.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_THAT(requests[2].dump(), HasSubstr("approved-run"));
  EXPECT_THAT(requests[2].dump(), HasSubstr("the user denied this call: not today"));
  EXPECT_THAT(requests[2].dump(), ::testing::Not(HasSubstr("denied-run\\n")));

  CommandResult late = home.Run({"approve", id});
  EXPECT_EQ(late.exit_code, 1);
  EXPECT_THAT(late.err, HasSubstr("waits for no approval (it is completed)"));
}

}  // namespace
}  // namespace stigmer::testing

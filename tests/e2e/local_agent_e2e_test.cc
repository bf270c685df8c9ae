// An agent on the embedded local model (the `llm` component: llama.cpp serving SmolLM2), through
// the daemon: the model has no native tool calls, so JSON-schema tool mode is what makes it call
// one.
#include "absl/strings/str_cat.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/stigmer_home.h"

namespace stigmer::testing {
namespace {

using ::testing::HasSubstr;

TEST(LocalAgent, TheEmbeddedModelCallsTheShellToolAndTheRunCompletes) {
  StigmerHome home;
  home.UseLocalModel();
  const std::filesystem::path file = home.paths().home() / "echo.yaml";
  ASSERT_TRUE(WriteFileAtomically(file, R"(kind: Agent
name: echoer
instructions: >-
  You run shell commands. Your first reply is always a call of the shell tool, like
  {"tool": "shell", "arguments": {"command": "ls"}}. After the tool's result, answer with what
  the command printed.
model:
  temperature: 0
  max_tokens: 200
tools: [shell]
limits:
  max_model_calls: 6
)")
                  .ok());
  ASSERT_EQ(home.Run({"apply", "-f", file.string()}).exit_code, 0);
  CommandResult run =
      home.Run({"run", "echoer", "-m", "Run this command: echo stigmer-ok"}, absl::Seconds(240));
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("→ shell"));
  EXPECT_THAT(run.out, HasSubstr("  stigmer-ok"));  // the tool's stdout, shown
  EXPECT_THAT(run.out, HasSubstr("completed"));

  // The smallest example, and its run listed by agent.
  const std::string example = (SourceDir() / "examples" / "agents" / "hello-agent.yaml").string();
  ASSERT_EQ(home.Run({"apply", "-f", example}).exit_code, 0);
  CommandResult hello =
      home.Run({"run", "hello-agent", "-m", "Hello, I am Ada."}, absl::Seconds(240));
  EXPECT_EQ(hello.exit_code, 0) << hello.out << hello.err;
  EXPECT_THAT(hello.out, HasSubstr("completed"));
  CommandResult listed = home.Run({"get", "executions", "--agent", "hello-agent"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("hello-agent"));
  EXPECT_THAT(listed.out, ::testing::Not(HasSubstr("echoer")));
}

}  // namespace
}  // namespace stigmer::testing

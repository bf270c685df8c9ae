#include "agent/agent_document.h"

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workflow/workflow_document.h"
#include "workflow/yaml_to_json.h"

namespace stigmer::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kFullAgent[] = R"(kind: Agent
name: reviewer
description: Reviews a change
instructions: |
  You review code. Be brief.
model:
  provider: openai
  name: gpt-4o-mini
  base_url: https://api.openai.com/v1
  temperature: 0.2
  max_tokens: 1024
  api_key: {env: OPENAI_API_KEY}
  tool_mode: auto
tools: [shell, files, todos]
mcp_servers:
  - name: fs
    command: npx
    args: [-y, "@modelcontextprotocol/server-filesystem", "."]
    env: {TOKEN: {secret: GITHUB}, MODE: ro}
    working_dir: .
    enabled_tools: [read_file]
skills: [skills/review]
sub_agents: [summarizer]
limits: {max_model_calls: 20, max_tool_calls: 40, max_identical_tool_calls: 2, tool_attempts: 2,
  timeout: {minutes: 10}}
needs_approval: [shell, fs/write_file]
)";

// Every problem of `yaml` as "<pointer>: <message>".
std::vector<std::string> Problems(const char* yaml) {
  absl::StatusOr<nlohmann::ordered_json> json = workflow::YamlToJson(yaml);
  EXPECT_TRUE(json.ok()) << json.status();
  std::vector<std::string> lines;
  for (const auto& problem : ValidateAgentJson(*json)) {
    lines.push_back(workflow::FormatValidationProblem(problem));
  }
  return lines;
}

TEST(AgentDocumentTest, EveryFieldTogetherIsValid) {
  EXPECT_THAT(Problems(kFullAgent), IsEmpty());
  absl::StatusOr<AgentDocument> agent = ParseAgentDocument(kFullAgent);
  ASSERT_TRUE(agent.ok()) << agent.status();
  EXPECT_EQ(agent->name, "reviewer");
  EXPECT_EQ(agent->description, "Reviews a change");
  EXPECT_TRUE(IsAgentDocument(agent->json));
}

TEST(AgentDocumentTest, TheSmallestAgentIsANameAndInstructions) {
  EXPECT_THAT(Problems("kind: Agent\nname: hi\ninstructions: Say hello.\n"), IsEmpty());
}

TEST(AgentDocumentTest, WorkflowsAreNotAgents) {
  absl::StatusOr<nlohmann::ordered_json> workflow =
      workflow::YamlToJson("document: {dsl: '1.0.0', name: x}\ndo: []\n");
  ASSERT_TRUE(workflow.ok());
  EXPECT_FALSE(IsAgentDocument(*workflow));
  EXPECT_FALSE(IsAgentDocument(nlohmann::ordered_json("Agent")));
}

TEST(AgentDocumentTest, MissingAndMistypedFieldsAreNamedByPointer) {
  EXPECT_THAT(Problems("kind: Agent\nname: Bad_Name\ninstructions: '  '\ncolour: red\n"),
              ElementsAre("/colour: unknown property \"colour\"",
                          "/name: a name must be a DNS label: lower-case letters, digits and "
                          "'-', at most 63, starting with a letter",
                          "/instructions: must not be empty: it is the agent's system prompt"));
  EXPECT_THAT(Problems("kind: Robot\n"),
              ElementsAre("/kind: must be \"Agent\"", "/: missing required property \"name\"",
                          "/: missing required property \"instructions\""));
}

TEST(AgentDocumentTest, ModelProblems) {
  EXPECT_THAT(
      Problems(R"(kind: Agent
name: a
instructions: x
model: {provider: gemini, temperature: 3, max_tokens: 0.5, api_key: sk-123, tool_mode: magic}
)"),
      ElementsAre(
          "/model/provider: unknown provider \"gemini\"; use one of local, openai, ollama, "
          "anthropic, openai-compatible",
          "/model: missing required property \"name\"",
          "/model/temperature: must be a number "
          "from 0 to 2",
          "/model/max_tokens: must be a whole number from 1 to 1000000",
          "/model/api_key: must be {env: NAME} or {secret: NAME}: never the key itself, which "
          "would be stored with the agent; put it in an environment variable or pass it with "
          "`stigmer run --secret NAME=…`",
          "/model/tool_mode: must be one of auto, native, json_schema"));
  EXPECT_THAT(Problems("kind: Agent\nname: a\ninstructions: x\n"
                       "model: {provider: openai-compatible, name: m, base_url: ftp://x}\n"),
              ElementsAre("/model/base_url: must be an http:// or https:// URL"));
}

TEST(AgentDocumentTest, ToolServerAndApprovalProblems) {
  EXPECT_THAT(
      Problems(R"(kind: Agent
name: a
instructions: x
tools: [shell, browser, shell]
mcp_servers:
  - {name: fs, command: npx, env: {A: 1}}
  - {name: fs, command: ''}
  - {command: x, args: [1]}
sub_agents: [a, shell]
limits: {max_model_calls: 0, tool_attempts: 11, timeout: soon}
needs_approval: [http, fs/write, git]
)"),
      ElementsAre("/tools/2: appears twice",
                  "/tools/1: unknown built-in tool \"browser\"; use one of shell, http, files, "
                  "todos, or an MCP server for others",
                  "/mcp_servers/0/env/A: must be a string, {env: NAME} or {secret: NAME}",
                  "/mcp_servers/1/name: another MCP server has this name",
                  "/mcp_servers/1/command: must not be empty",
                  "/mcp_servers/2: missing required property \"name\"",
                  "/mcp_servers/2/args/0: must be a string",
                  "/sub_agents/0: an agent cannot call itself",
                  "/sub_agents/1: is also the name of a tool in /tools; rename the agent or drop "
                  "the tool",
                  "/limits/max_model_calls: must be a whole number from 1 to 10000",
                  "/limits/tool_attempts: must be a whole number from 1 to 10",
                  ::testing::StartsWith("/limits/timeout: "),
                  "/needs_approval/0: \"http\" is neither a tool in /tools nor an MCP server in "
                  "/mcp_servers (\"server\" or \"server/tool\")",
                  "/needs_approval/2: \"git\" is neither a tool in /tools nor an MCP server in "
                  "/mcp_servers (\"server\" or \"server/tool\")"));
}

TEST(AgentDocumentTest, ParseReportsYamlErrorsAndEveryProblem) {
  absl::StatusOr<AgentDocument> broken = ParseAgentDocument("kind: Agent\nname: [unclosed\n");
  ASSERT_FALSE(broken.ok());
  EXPECT_THAT(std::string(broken.status().message()), ::testing::StartsWith("line "));
  absl::StatusOr<AgentDocument> invalid = ParseAgentDocument("kind: Agent\nname: x\n");
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.status().message(), "/: missing required property \"instructions\"");
}

}  // namespace
}  // namespace stigmer::agent

// An agent's skills at a run, with examples/agents/changelog.yaml as `stigmer apply` sends it
// (its skill folder read in) and the scripted model: the model's first request holds SKILL.md
// in the system prompt, and the skill's other files are read with the files tool under
// skills/<name>/ in the workspace, which does not write there.

#include <fstream>
#include <string>
#include <vector>

#include "agent/agent_document.h"
#include "agent/agent_runner_suite.h"
#include "agent/skills.h"
#include "gmock/gmock.h"
#include "workflow/yaml_to_json.h"

namespace stigmer::agent {
namespace {

using ::testing::HasSubstr;

using AgentSkillsTest = AgentRunnerTest;

TEST_F(AgentSkillsTest, TheChangelogExamplesSkillIsInThePromptAndItsFilesAreReadable) {
  const std::filesystem::path folder = testing::SourceDir() / "examples" / "agents";
  std::ifstream file(folder / "changelog.yaml");
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  absl::StatusOr<nlohmann::ordered_json> example = workflow::YamlToJson(text);
  ASSERT_TRUE(example.ok()) << example.status();
  ASSERT_TRUE(BundleSkills(*example, folder).ok());
  ASSERT_TRUE(ParseAgentDocument(example->dump()).ok());
  nlohmann::json agent = nlohmann::json::parse(example->dump());
  agent["model"] = Agent({})["model"];

  model_.QueueToolCall("call_1", "files",
                       {{"operation", "read"}, {"path", "skills/changelog/kinds.md"}});
  model_.QueueToolCall(
      "call_2", "files",
      {{"operation", "write"}, {"path", "skills/changelog/kinds.md"}, {"content", "overwritten"}});
  model_.QueueText("Added: \"Added skills to agents.\"");
  const auto events = WaitClosed(Start("aex-skills", agent, "We added skills to agents."));
  EXPECT_EQ(Output(events)["answer"], "Added: \"Added skills to agents.\"");

  const std::vector<nlohmann::json> requests = model_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0]["messages"][0]["role"], "system");
  const std::string system = requests[0]["messages"][0]["content"].get<std::string>();
  EXPECT_THAT(system, HasSubstr("You write changelog entries"));
  EXPECT_THAT(system, HasSubstr("## Skill: changelog (skills/changelog/)\n"
                                "How this project writes a changelog entry\n\n"
                                "A changelog entry is one line per change"));
  const nlohmann::json& result = requests[1]["messages"].back();
  EXPECT_EQ(result["role"], "tool");
  EXPECT_THAT(result["content"].get<std::string>(), HasSubstr("- Fixed: \"Fixed a run that"));
  // The skill's files are read-only for the files tool: the model reads why.
  EXPECT_THAT(requests[2]["messages"].back()["content"].get<std::string>(),
              HasSubstr("skills/changelog/kinds.md is read-only: skills/changelog/ holds one of "
                        "the agent's skills"));
  std::ifstream kinds(std::filesystem::path(workspaces_) / "aex-skills/skills/changelog/kinds.md");
  EXPECT_THAT(std::string(std::istreambuf_iterator<char>(kinds), {}), HasSubstr("- Added:"));
}

}  // namespace
}  // namespace stigmer::agent

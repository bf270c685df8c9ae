// Skills: folders read at apply (bounded, confined), checked in the document, turned into the
// system prompt and laid out in the run's workspace.

#include "agent/skills.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "agent/agent_document.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"
#include "workflow/workflow_document.h"

namespace stigmer::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

constexpr char kSkillText[] =
    "---\nname: code-review\ndescription: How this team reviews a change\n---\n"
    "Read checklist.md, then review against it.\n";

class SkillsTest : public ::testing::Test {
 protected:
  void Put(const std::string& path, const std::string& content) {
    fs::create_directories((dir_.path() / path).parent_path());
    std::ofstream(dir_.path() / path) << content;
  }

  Json Agent(std::vector<std::string> skills) const {
    return {{"kind", "Agent"}, {"name", "a"}, {"instructions", "Help."}, {"skills", skills}};
  }

  std::vector<std::string> Problems(const Json& document) const {
    std::vector<std::string> lines;
    for (const auto& problem : ValidateAgentJson(document)) {
      lines.push_back(workflow::FormatValidationProblem(problem));
    }
    return lines;
  }

  testing::TempDir dir_;
};

TEST_F(SkillsTest, AFolderIsReadWithItsSubfoldersIntoAValidDocument) {
  Put("skills/review/SKILL.md", kSkillText);
  Put("skills/review/refs/checklist.md", "1. tests\n");
  Json agent = Agent({"skills/review"});
  ASSERT_TRUE(BundleSkills(agent, dir_.path()).ok());
  const Json& skill = agent["skills"][0];
  EXPECT_EQ(skill["name"], "review");
  EXPECT_EQ(skill["source"], "skills/review");
  EXPECT_EQ(skill["files"]["SKILL.md"], kSkillText);
  EXPECT_EQ(skill["files"]["refs/checklist.md"], "1. tests\n");
  EXPECT_THAT(Problems(agent), IsEmpty());
  EXPECT_TRUE(RequireBundledSkills(agent).ok());
}

TEST_F(SkillsTest, AMissingFolderOrSkillFileIsNamed) {
  Json missing = Agent({"skills/nowhere"});
  absl::Status status = BundleSkills(missing, dir_.path());
  EXPECT_THAT(status.message(), HasSubstr("skills/nowhere: no such folder"));
  EXPECT_EQ(missing, Agent({"skills/nowhere"}));

  Put("skills/empty/notes.md", "no SKILL.md here");
  Json empty = Agent({"skills/empty"});
  EXPECT_THAT(BundleSkills(empty, dir_.path()).message(),
              HasSubstr("skills/empty: no SKILL.md in the folder"));
}

TEST_F(SkillsTest, ASymlinkLeadingOutOfTheFolderIsRefusedOneInsideIsRead) {
  Put("secret.txt", "the user's secret");
  Put("skills/review/SKILL.md", kSkillText);
  Put("skills/review/real.md", "inside");
  fs::create_symlink("real.md", dir_.path() / "skills/review/alias.md");
  Json inside = Agent({"skills/review"});
  ASSERT_TRUE(BundleSkills(inside, dir_.path()).ok());
  EXPECT_EQ(inside["skills"][0]["files"]["alias.md"], "inside");

  fs::create_symlink(dir_.path() / "secret.txt", dir_.path() / "skills/review/leak.md");
  Json outside = Agent({"skills/review"});
  absl::Status status = BundleSkills(outside, dir_.path());
  EXPECT_THAT(status.message(), HasSubstr("skills/review/leak.md: a symlink leading out"));
  EXPECT_THAT(status.message(), Not(HasSubstr("the user's secret")));
}

TEST_F(SkillsTest, TooManyFilesOrBytesAreRefusedNamingTheLimit) {
  Put("skills/many/SKILL.md", "many");
  for (size_t i = 0; i < kMaxSkillFiles; ++i) Put(absl::StrCat("skills/many/f", i, ".md"), "x");
  Json many = Agent({"skills/many"});
  EXPECT_THAT(BundleSkills(many, dir_.path()).message(),
              HasSubstr("hold more than 100 files, the most one agent may carry"));

  Put("skills/big/SKILL.md", std::string(kMaxSkillBytes, 'x'));
  Put("skills/small/SKILL.md", "small");
  Json big = Agent({"skills/small", "skills/big"});
  EXPECT_THAT(BundleSkills(big, dir_.path()).message(),
              HasSubstr("skills/big/SKILL.md: the agent's skills hold more than 1 MiB"));
}

TEST_F(SkillsTest, ABinaryFileIsRefused) {
  Put("skills/logo/SKILL.md", "logo");
  Put("skills/logo/logo.png", std::string("\x89PNG\r\n\x1a\n\xff\xfe", 10));
  Json agent = Agent({"skills/logo"});
  EXPECT_THAT(BundleSkills(agent, dir_.path()).message(),
              HasSubstr("skills/logo/logo.png: not UTF-8 text"));
}

TEST_F(SkillsTest, AFifoOrAFolderNamedOddlyIsRefused) {
  Put("skills/pipe/SKILL.md", "pipe");
  ASSERT_EQ(mkfifo((dir_.path() / "skills/pipe/input").c_str(), 0600), 0);
  Json fifo = Agent({"skills/pipe"});
  EXPECT_THAT(BundleSkills(fifo, dir_.path()).message(),
              HasSubstr("skills/pipe/input: not a regular file; a skill carries text files only"));

  Put("skills/my skill/SKILL.md", "spaced");
  Json spaced = Agent({"skills/my skill"});
  EXPECT_THAT(BundleSkills(spaced, dir_.path()).message(),
              HasSubstr("skills/my skill: a skill's folder name must be letters, digits"));
}

TEST_F(SkillsTest, TwoFoldersOfOneNameAreRefused) {
  Put("a/review/SKILL.md", "a");
  Put("b/review/SKILL.md", "b");
  Json agent = Agent({"a/review", "b/review"});
  EXPECT_THAT(BundleSkills(agent, dir_.path()).message(),
              HasSubstr("b/review: two skills named \"review\""));
}

TEST_F(SkillsTest, ABundleIsCheckedLikeTheFolderItCameFrom) {
  Json agent = Agent({});
  agent["skills"] =
      Json::array({{{"name", "../up"}, {"files", {{"SKILL.md", "x"}}}},
                   {{"name", "ok"}, {"files", {{"notes.md", "x"}, {"../escape.md", "x"}}}},
                   {{"name", "ok"}, {"files", {{"SKILL.md", 3}}}, {"extra", true}}});
  EXPECT_THAT(
      Problems(agent),
      ElementsAre(
          HasSubstr("/skills/0/name: must be letters, digits"),
          "/skills/1/files: must hold SKILL.md",
          "/skills/1/files/..~1escape.md: must be a relative path inside the skill, without '..'",
          HasSubstr("/skills/2/extra"), "/skills/2/name: two skills have this name",
          HasSubstr("/skills/2/files/SKILL.md")));
}

TEST_F(SkillsTest, TheServerRefusesAFolderPathItCannotRead) {
  absl::Status status = RequireBundledSkills(Agent({"skills/review"}));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("/skills/0: \"skills/review\" is a folder on your "
                                          "machine, which the server does not read; apply the "
                                          "file with `stigmer apply -f`"));
}

TEST_F(SkillsTest, ThePromptHasTheFrontMattersNameAndDescriptionThenTheText) {
  nlohmann::json agent = {
      {"skills",
       {{{"name", "review"}, {"files", {{"SKILL.md", kSkillText}, {"checklist.md", "1."}}}},
        {{"name", "plain"}, {"files", {{"SKILL.md", "No front matter."}}}}}}};
  const std::string prompt = SkillsPrompt(agent);
  EXPECT_THAT(prompt, HasSubstr("## Skill: code-review (skills/review/)\n"
                                "How this team reviews a change\n\n"
                                "Read checklist.md, then review against it.\n"));
  EXPECT_THAT(prompt, HasSubstr("## Skill: plain (skills/plain/)\n\nNo front matter."));
  EXPECT_THAT(prompt, Not(HasSubstr("---")));
  EXPECT_EQ(SkillsPrompt({{"skills", nlohmann::json::array()}}), "");
}

TEST_F(SkillsTest, TheFilesAreLaidOutInTheWorkspaceAndRewrittenWhenTheyChanged) {
  const std::string workspace = (dir_.path() / "workspaces" / "aex-1").string();
  nlohmann::json agent = {
      {"skills", {{{"name", "review"}, {"files", {{"SKILL.md", "v1"}, {"refs/a.md", "a"}}}}}}};
  ASSERT_TRUE(MaterializeSkills(agent, workspace).ok());
  const fs::path folder = fs::path(workspace) / "skills" / "review";
  EXPECT_TRUE(fs::exists(folder / "refs" / "a.md"));
  const auto written = fs::last_write_time(folder / "refs" / "a.md");

  agent["skills"][0]["files"]["SKILL.md"] = "v2";
  ASSERT_TRUE(MaterializeSkills(agent, workspace).ok());
  std::ifstream in(folder / "SKILL.md");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "v2");
  EXPECT_EQ(fs::last_write_time(folder / "refs" / "a.md"), written);
}

}  // namespace
}  // namespace stigmer::agent

#include "agent/tools/files_activity.h"

#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace stigmer::agent {
namespace {

using ::testing::HasSubstr;

class FilesActivityTest : public ::testing::Test {
 protected:
  activities::ActivityResult Run(nlohmann::json request) {
    request["task"] = "/turns/1/tools/c1";
    request["workspace"] = workspace_.string();
    return RunFilesActivity(request);
  }
  testing::TempDir temp_;
  const std::filesystem::path workspace_ = temp_.path() / "ws" / "wex-1";
};

TEST_F(FilesActivityTest, WriteThenReadEditListAndGrepInTheWorkspace) {
  auto written = Run({{"operation", "write"}, {"path", "notes/a.txt"}, {"content", "one\ntwo\n"}});
  ASSERT_TRUE(written.ok()) << written.error.detail;
  EXPECT_EQ(written.output, "wrote 8 bytes to notes/a.txt");
  EXPECT_EQ(std::filesystem::status(workspace_).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_all);
  EXPECT_EQ(Run({{"operation", "read"}, {"path", "notes/a.txt"}}).output, "one\ntwo\n");
  EXPECT_TRUE(
      Run({{"operation", "edit"}, {"path", "notes/a.txt"}, {"old_text", "two"}, {"new_text", "2"}})
          .ok());
  EXPECT_EQ(Run({{"operation", "grep"}, {"pattern", "^2$"}, {"path", ""}}).output,
            "notes/a.txt:2: 2\n");
  EXPECT_THAT(Run({{"operation", "list"}, {"recursive", true}}).output.get<std::string>(),
              HasSubstr("notes/a.txt 6 bytes"));
}

TEST_F(FilesActivityTest, APathOutOfTheWorkspaceIsAToolErrorNamingIt) {
  auto escaped = Run({{"operation", "read"}, {"path", "../../etc/passwd"}});
  EXPECT_FALSE(escaped.ok());
  EXPECT_EQ(escaped.error.instance, "/turns/1/tools/c1");
  EXPECT_THAT(escaped.error.detail, HasSubstr("../../etc/passwd"));
}

TEST_F(FilesActivityTest, AnUnknownOperationListsTheKnownOnes) {
  auto unknown = Run({{"operation", "delete"}, {"path", "x"}});
  EXPECT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.error.detail, HasSubstr("list, read, write, edit or grep"));
}

TEST_F(FilesActivityTest, ReadOnlyFoldersRefuseWriteAndEditButNotRead) {
  ASSERT_TRUE(
      Run({{"operation", "write"}, {"path", "skills/review/SKILL.md"}, {"content", "x"}}).ok());
  const nlohmann::json read_only = {"skills/review"};
  for (const char* path : {"skills/review/SKILL.md", "./skills/x/../review/new.md"}) {
    auto written =
        Run({{"operation", "write"}, {"path", path}, {"content", "y"}, {"read_only", read_only}});
    EXPECT_FALSE(written.ok()) << path;
    EXPECT_THAT(written.error.detail,
                HasSubstr(std::string(path) + " is read-only: skills/review/ holds one of the "
                                              "agent's skills"));
  }
  EXPECT_FALSE(Run({{"operation", "edit"},
                    {"path", "skills/review/SKILL.md"},
                    {"old_text", "x"},
                    {"new_text", "y"},
                    {"read_only", read_only}})
                   .ok());
  EXPECT_EQ(
      Run({{"operation", "read"}, {"path", "skills/review/SKILL.md"}, {"read_only", read_only}})
          .output,
      "x");
  EXPECT_TRUE(Run({{"operation", "write"},
                   {"path", "skills/reviews.md"},
                   {"content", "y"},
                   {"read_only", read_only}})
                  .ok());
}

}  // namespace
}  // namespace stigmer::agent

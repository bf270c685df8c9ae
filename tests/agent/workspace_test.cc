// The files tool's workspace, tried as a model that was told to escape it would.

#include "agent/tools/workspace.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace stigmer::agent {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

class WorkspaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.path() / "workspaces" / "wex-1";
    outside_ = dir_.path() / "outside";
    fs::create_directories(outside_);
    std::ofstream(outside_ / "secret.txt") << "the daemon's secret";
    absl::StatusOr<Workspace> opened = Workspace::Open(root_, limits_);
    ASSERT_TRUE(opened.ok()) << opened.status();
    workspace_.emplace(*std::move(opened));
  }

  void Put(const std::string& path, const std::string& content) {
    fs::create_directories((root_ / path).parent_path());
    std::ofstream(root_ / path) << content;
  }

  testing::TempDir dir_;
  fs::path root_, outside_;
  WorkspaceLimits limits_{
      .max_read_bytes = 16, .max_file_bytes = 64, .max_entries = 5, .max_matches = 2};
  std::optional<Workspace> workspace_;
};

TEST_F(WorkspaceTest, IsCreatedPrivate) {
  EXPECT_EQ(fs::status(root_).permissions() & fs::perms::all, fs::perms::owner_all);
}

TEST_F(WorkspaceTest, DotDotAbsolutePathsAndSymlinksOutAreRefused) {
  fs::create_symlink(outside_ / "secret.txt", root_ / "link-file");
  fs::create_symlink(outside_, root_ / "link-dir");
  fs::create_symlink("../outside", root_ / "relative-out");
  for (const char* path :
       {"../outside/secret.txt", "a/../../outside/secret.txt", "/etc/passwd", "link-file",
        "link-dir/secret.txt", "relative-out/secret.txt", "/proc/self/root/etc/passwd"}) {
    absl::StatusOr<ReadResult> read = workspace_->Read(path);
    ASSERT_FALSE(read.ok()) << path;
    EXPECT_EQ(read.status().code(), absl::StatusCode::kPermissionDenied) << path;
    EXPECT_THAT(std::string(read.status().message()), HasSubstr("is outside the workspace"));
  }
  // Writing through a link out is refused too, and nothing appears outside.
  EXPECT_FALSE(workspace_->Write("link-dir/planted.txt", "x").ok());
  EXPECT_FALSE(workspace_->Write("../planted.txt", "x").ok());
  EXPECT_FALSE(fs::exists(outside_ / "planted.txt"));
  EXPECT_FALSE(fs::exists(dir_.path() / "workspaces" / "planted.txt"));
}

TEST_F(WorkspaceTest, SymlinksThatStayInsideAreFollowed) {
  Put("notes/a.txt", "inside");
  fs::create_symlink("notes/a.txt", root_ / "shortcut");
  absl::StatusOr<ReadResult> read = workspace_->Read("shortcut");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->content, "inside");
}

TEST_F(WorkspaceTest, AFifoDoesNotHangTheToolAndFoldersAreNotFiles) {
  ASSERT_EQ(::mkfifo((root_ / "pipe").c_str(), 0600), 0);
  absl::StatusOr<ReadResult> fifo = workspace_->Read("pipe");
  ASSERT_FALSE(fifo.ok());
  EXPECT_THAT(std::string(fifo.status().message()), HasSubstr("is not a regular file"));
  fs::create_directories(root_ / "sub");
  EXPECT_THAT(std::string(workspace_->Read("sub").status().message()),
              HasSubstr("sub is a folder: list it instead"));
  EXPECT_EQ(workspace_->Read("missing.txt").status().message(),
            "missing.txt does not exist in the workspace");
}

TEST_F(WorkspaceTest, ReadsAreCutAtTheLimit) {
  Put("long.txt", std::string(40, 'x'));
  absl::StatusOr<ReadResult> read = workspace_->Read("long.txt");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->content, std::string(16, 'x'));
  EXPECT_TRUE(read->truncated);
  EXPECT_EQ(read->size, 40);
}

TEST_F(WorkspaceTest, WriteMakesFoldersAndReplacesWhole) {
  ASSERT_TRUE(workspace_->Write("deep/er/file.txt", "one").ok());
  ASSERT_TRUE(workspace_->Write("./deep/er/file.txt", "two").ok());
  EXPECT_EQ(workspace_->Read("deep/er/file.txt")->content, "two");
  EXPECT_EQ(fs::status(root_ / "deep/er/file.txt").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  bool truncated = false;
  auto entries = workspace_->List("deep", true, &truncated);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);  // no temporary file left behind
  EXPECT_EQ((*entries)[1].path, "deep/er/file.txt");
  EXPECT_EQ((*entries)[1].size, 3);
  EXPECT_FALSE(workspace_->Write("big.txt", std::string(65, 'x')).ok());
  EXPECT_FALSE(workspace_->Write(".", "x").ok());
}

TEST_F(WorkspaceTest, EditNeedsOneExactOccurrenceUnlessAll) {
  Put("code.txt", "a = 1\nb = 1\n");
  EXPECT_EQ(workspace_->Edit("code.txt", "= 1", "= 2", false).status().message(),
            "the text to replace appears 2 times in code.txt: include more of the surrounding "
            "text, or replace all");
  EXPECT_EQ(workspace_->Edit("code.txt", "c = 1", "c = 2", false).status().code(),
            absl::StatusCode::kNotFound);
  absl::StatusOr<int> one = workspace_->Edit("code.txt", "a = 1", "a = 3", false);
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(*one, 1);
  EXPECT_EQ(*workspace_->Edit("code.txt", "= ", ": ", true), 2);
  EXPECT_EQ(workspace_->Read("code.txt")->content, "a : 3\nb : 1\n");
}

TEST_F(WorkspaceTest, ListStopsAtTheLimitAndNeverFollowsLinks) {
  for (int i = 0; i < 7; ++i) Put("many/f" + std::to_string(i), "x");
  fs::create_symlink(outside_, root_ / "many-out");
  bool truncated = false;
  auto entries = workspace_->List(".", true, &truncated);
  ASSERT_TRUE(entries.ok()) << entries.status();
  EXPECT_EQ(entries->size(), 5u);
  EXPECT_TRUE(truncated);
  for (const auto& entry : *entries) EXPECT_THAT(entry.path, ::testing::Not(HasSubstr("secret")));
}

TEST_F(WorkspaceTest, GrepFindsLinesSkipsBinaryAndRefusesBadPatterns) {
  Put("a.txt", "alpha\nbeta\nalphabet\n");
  Put("bin.dat", std::string("alpha\0alpha", 11));
  bool truncated = false;
  auto matches = workspace_->Grep("^alpha", ".", &truncated);
  ASSERT_TRUE(matches.ok()) << matches.status();
  ASSERT_EQ(matches->size(), 2u);
  EXPECT_EQ((*matches)[1].path, "a.txt");
  EXPECT_EQ((*matches)[1].line, 3);
  EXPECT_EQ((*matches)[1].text, "alphabet");
  EXPECT_FALSE(truncated);
  EXPECT_THAT(std::string(workspace_->Grep("(", ".", &truncated).status().message()),
              HasSubstr("not a valid regular expression"));
  // A pattern that backtracking engines take exponential time on is linear here.
  Put("evil.txt", std::string(50, 'a') + "!");
  EXPECT_TRUE(workspace_->Grep("(a+)+$", "evil.txt", &truncated).ok());
}

}  // namespace
}  // namespace stigmer::agent

// Files a workflow names: absolute, relative to the applied file's folder, or not local at all;
// a relative one never resolves against the worker's own working folder.

#include "activities/local_resource.h"

#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace stigmer::activities {
namespace {

using ::testing::HasSubstr;

TEST(LocalResourceTest, ReferencesAreAbsoluteRelativeOrNotLocal) {
  EXPECT_EQ(ClassifyLocalReference("file:///srv/a.proto"), LocalReference::kAbsolute);
  EXPECT_EQ(ClassifyLocalReference("/srv/a.proto"), LocalReference::kAbsolute);
  EXPECT_EQ(ClassifyLocalReference("file://app/greet.proto"), LocalReference::kRelative);
  EXPECT_EQ(ClassifyLocalReference("app/greet.proto"), LocalReference::kRelative);
  EXPECT_EQ(ClassifyLocalReference("../shared/a.py"), LocalReference::kRelative);
  EXPECT_EQ(ClassifyLocalReference("greet.proto"), LocalReference::kRelative);
  EXPECT_EQ(ClassifyLocalReference("https://x.org/a.proto"), LocalReference::kNotLocal);
  EXPECT_EQ(ClassifyLocalReference("ftp://x.org/a"), LocalReference::kNotLocal);
  EXPECT_EQ(ClassifyLocalReference("mailto:a@b"), LocalReference::kNotLocal);
  EXPECT_EQ(ClassifyLocalReference("file://"), LocalReference::kNotLocal);
  EXPECT_EQ(ClassifyLocalReference(""), LocalReference::kNotLocal);
}

TEST(LocalResourceTest, RelativePathsJoinTheSourceFolder) {
  EXPECT_EQ(*LocalResourcePath("file://app/greet.proto", "/home/ada/flows"),
            "/home/ada/flows/app/greet.proto");
  EXPECT_EQ(*LocalResourcePath("./app/../greet.proto", "/home/ada/flows"),
            "/home/ada/flows/greet.proto");
  EXPECT_EQ(*LocalResourcePath("../shared/a.py", "/home/ada/flows"), "/home/ada/shared/a.py");
  EXPECT_EQ(*LocalResourcePath("file:///srv/a.proto", "/home/ada/flows"), "/srv/a.proto");
}

TEST(LocalResourceTest, RelativePathWithoutASourceFolderIsRefusedNotReadFromTheCwd) {
  absl::StatusOr<std::string> path = LocalResourcePath("app/greet.proto");
  ASSERT_FALSE(path.ok());
  EXPECT_EQ(path.status().message(),
            "\"app/greet.proto\" is a relative path, and this workflow was not applied from a file "
            "whose folder it could be read from: apply it with `stigmer apply -f FILE`, or give "
            "file:///its/path");
}

TEST(LocalResourceTest, MissingRelativeFileIsNamedByItsResolvedPath) {
  testing::TempDir folder;
  std::ofstream(folder.path() / "a.py") << "print(1)";
  EXPECT_EQ(*ReadLocalResource("a.py", 100, folder.path().string()), "print(1)");
  absl::StatusOr<std::string> missing =
      ReadLocalResource("../nowhere/b.py", 100, folder.path().string());
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(),
              HasSubstr((folder.path().parent_path() / "nowhere/b.py").string()));
}

TEST(LocalResourceTest, SourceDirIsReadFromTheRequest) {
  EXPECT_EQ(SourceDirOf({{"source_dir", "/a"}}), "/a");
  EXPECT_EQ(SourceDirOf({{"source_dir", 3}}), "");
  EXPECT_EQ(SourceDirOf(nlohmann::json::array()), "");
}

}  // namespace
}  // namespace stigmer::activities

#include "config/api_token.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace stigmer::config {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

class ApiTokenTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  std::filesystem::path file_ = dir_.path() / "home" / "data" / "api.token";
};

TEST_F(ApiTokenTest, FirstLoadCreatesAPrivateRandomTokenThatLaterLoadsKeep) {
  absl::StatusOr<std::string> token = LoadOrCreateApiToken(file_);
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_THAT(*token, MatchesRegex("[0-9a-f]{64}"));
  struct stat info {};
  ASSERT_EQ(::stat(file_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  ASSERT_EQ(::stat(file_.parent_path().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700);
  EXPECT_EQ(LoadOrCreateApiToken(file_).value_or(""), *token);
  EXPECT_EQ(ReadApiToken(file_).value_or(""), *token);
  // Nothing but the token is left in the folder.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(file_.parent_path()),
                          std::filesystem::directory_iterator()),
            1);
  testing::TempDir other;
  EXPECT_NE(LoadOrCreateApiToken(other.path() / "api.token").value_or(*token), *token);
}

TEST_F(ApiTokenTest, MissingTokenIsNamed) {
  absl::StatusOr<std::string> token = ReadApiToken(file_);
  ASSERT_TRUE(absl::IsNotFound(token.status()));
  EXPECT_THAT(token.status().message(), HasSubstr("cannot read the API token at " + file_.string() +
                                                  ": No such file or directory"));
}

TEST_F(ApiTokenTest, GarbageIsNotATokenAndIsNotReplaced) {
  ASSERT_TRUE(MakeDirectories(file_.parent_path()).ok());
  ASSERT_TRUE(WriteFileAtomically(file_, "hello\n").ok());
  absl::StatusOr<std::string> token = LoadOrCreateApiToken(file_);
  ASSERT_FALSE(token.ok());
  EXPECT_THAT(token.status().message(), HasSubstr("does not hold a valid API token; delete it"));
  EXPECT_EQ(ReadFileToString(file_).value_or(""), "hello\n");
}

// Another account's STIGMER_HOME: run as nobody when the test runs as root.
TEST_F(ApiTokenTest, UnreadableTokenSaysPermissionDenied) {
  ASSERT_TRUE(LoadOrCreateApiToken(file_).ok());
  ASSERT_EQ(::chmod(file_.c_str(), 0), 0);
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    if (::geteuid() == 0 && ::setresuid(65534, 65534, 65534) != 0) ::_exit(2);
    const std::string message(ReadApiToken(file_).status().message());
    (void)!::write(pipe_fds[1], message.data(), message.size());
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string message;
  char buffer[512];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) message.append(buffer, n);
  ::close(pipe_fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_THAT(message, HasSubstr("cannot read the API token at "));
  EXPECT_THAT(message, HasSubstr(": Permission denied"));
}

}  // namespace
}  // namespace stigmer::config

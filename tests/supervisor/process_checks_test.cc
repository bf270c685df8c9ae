// DescribeWaitStatus, CheckPortFree and ReadProcessIdentity against the real system.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/unique_fd.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "supervisor/port_preflight.h"
#include "supervisor/process_identity.h"
#include "supervisor/wait_status.h"
#include "testing/test_env.h"

namespace stigmer::supervisor {
namespace {

using ::testing::HasSubstr;

TEST(DescribeWaitStatusTest, ExitCodesAndSignals) {
  EXPECT_EQ(DescribeWaitStatus(3 << 8), "exited with code 3");
  EXPECT_EQ(DescribeWaitStatus(0), "exited with code 0");
  EXPECT_EQ(DescribeWaitStatus(SIGKILL), "killed by signal 9 (SIGKILL)");
  EXPECT_EQ(DescribeWaitStatus(SIGTERM), "killed by signal 15 (SIGTERM)");
  EXPECT_EQ(DescribeWaitStatus(SIGSEGV | 0x80), "killed by signal 11 (SIGSEGV), core dumped");
}

TEST(DescribeWaitStatusTest, RealChild) {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(7);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_EQ(DescribeWaitStatus(status), "exited with code 7");
}

TEST(CheckPortFreeTest, FreePortIsOk) { EXPECT_TRUE(CheckPortFree(testing::FreePort()).ok()); }

TEST(CheckPortFreeTest, HeldPortNamesThisProcess) {
  const int port = testing::FreePort();
  UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_TRUE(listener.valid());
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(::listen(listener.get(), 1), 0);

  absl::Status status = CheckPortFree(port);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr(absl::StrCat("port ", port, " is in use by pid ", ::getpid(), " (")));
}

TEST(ReadProcessIdentityTest, Self) {
  absl::StatusOr<ProcessIdentity> identity = ReadProcessIdentity(::getpid());
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(identity->pid, ::getpid());
  EXPECT_GT(identity->start_time_ticks, 0u);
  EXPECT_THAT(identity->exe, HasSubstr("supervisor_unit_tests"));
  // Stable: a second read gives the same start time.
  EXPECT_EQ(ReadProcessIdentity(::getpid())->start_time_ticks, identity->start_time_ticks);
}

TEST(ReadProcessIdentityTest, ReapedChildIsNotFound) {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_EQ(ReadProcessIdentity(pid).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace stigmer::supervisor

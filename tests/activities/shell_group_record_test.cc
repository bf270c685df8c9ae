// KillLeftoverShellGroups with real process groups: what a killed workflow-runner recorded dies,
// and nothing else does.

#include "activities/shell_group_record.h"

#include <poll.h>
#include <signal.h>

#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "activities/shell_process.h"
#include "common/file_io.h"
#include "gtest/gtest.h"
#include "supervisor/process_identity.h"
#include "testing/test_env.h"

namespace stigmer::activities {
namespace {

// No process has this pid: the workflow-runner named after it is gone.
constexpr char kGoneRunner[] = "999999999-1";

std::string BootId() {
  absl::StatusOr<std::string> id = ReadFileToString("/proc/sys/kernel/random/boot_id");
  return id.ok() ? *id : "";  // ends with its newline, as the record's first line does
}

uint64_t StartTime(pid_t pid) {
  absl::StatusOr<supervisor::ProcessIdentity> identity = supervisor::ReadProcessIdentity(pid);
  return identity.ok() ? identity->start_time_ticks : 0;
}

ShellProcess Sleeper() {
  ProcessOptions options;
  options.argv = {"/bin/sh", "-c", "sleep 300"};
  absl::StatusOr<ShellProcess> process = ShellProcess::Start(options);
  EXPECT_TRUE(process.ok()) << process.status();
  return *std::move(process);
}

bool Killed(ShellProcess& process) {
  pollfd exit_event{process.exit_fd(), POLLIN, 0};
  ::poll(&exit_event, 1, 5000);
  std::optional<ProcessExit> exit = process.PeekExit();
  return exit && exit->signaled && exit->value == SIGKILL;
}

TEST(ShellGroupRecordTest, TheGroupsOfAGoneWorkflowRunnerAreKilledAndItsFileDeleted) {
  testing::TempDir dir;
  ShellProcess first = Sleeper(), second = Sleeper();
  const std::filesystem::path file = dir.path() / kGoneRunner;
  ASSERT_TRUE(WriteFileAtomically(
                  file, absl::StrCat(BootId(), first.pid(), " ", StartTime(first.pid()), "\n",
                                     second.pid(), " ", StartTime(second.pid()), "\n"))
                  .ok());
  EXPECT_EQ(KillLeftoverShellGroups(dir.path()), 2);
  EXPECT_TRUE(Killed(first));
  EXPECT_TRUE(Killed(second));
  EXPECT_FALSE(std::filesystem::exists(file));
}

TEST(ShellGroupRecordTest, AGroupWhoseLeaderPidNowNamesAnotherProcessIsSpared) {
  testing::TempDir dir;
  ShellProcess other = Sleeper();
  ASSERT_TRUE(WriteFileAtomically(
                  dir.path() / kGoneRunner,
                  absl::StrCat(BootId(), other.pid(), " ", StartTime(other.pid()) + 1, "\n"))
                  .ok());
  EXPECT_EQ(KillLeftoverShellGroups(dir.path()), 0);
  EXPECT_FALSE(other.PeekExit());
}

TEST(ShellGroupRecordTest, TheFileOfARunningWorkflowRunnerIsLeftAlone) {
  testing::TempDir dir;
  ShellProcess running = Sleeper();
  const std::filesystem::path file =
      dir.path() / absl::StrCat(::getpid(), "-", StartTime(::getpid()));
  ASSERT_TRUE(WriteFileAtomically(
                  file, absl::StrCat(BootId(), running.pid(), " ", StartTime(running.pid()), "\n"))
                  .ok());
  EXPECT_EQ(KillLeftoverShellGroups(dir.path()), 0);
  EXPECT_FALSE(running.PeekExit());
  EXPECT_TRUE(std::filesystem::exists(file));
}

TEST(ShellGroupRecordTest, AFileFromAnEarlierBootIsDeletedUnread) {
  testing::TempDir dir;
  ShellProcess survivor = Sleeper();
  const std::filesystem::path file = dir.path() / kGoneRunner;
  ASSERT_TRUE(WriteFileAtomically(file, absl::StrCat("another-boot\n", survivor.pid(), " ",
                                                     StartTime(survivor.pid()), "\n"))
                  .ok());
  EXPECT_EQ(KillLeftoverShellGroups(dir.path()), 0);
  EXPECT_FALSE(survivor.PeekExit());
  EXPECT_FALSE(std::filesystem::exists(file));
}

TEST(ShellGroupRecordTest, AMissingFolderHasNothingToKill) {
  EXPECT_EQ(KillLeftoverShellGroups("/nonexistent/workflow-runner.groups"), 0);
}

}  // namespace
}  // namespace stigmer::activities

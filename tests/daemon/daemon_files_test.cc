// The daemon's files: its lock, PID files and state.json.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/file_io.h"
#include "daemon/leftover_cleanup.h"
#include "daemon/process_lock.h"
#include "daemon/state_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "supervisor/process_identity.h"
#include "testing/test_env.h"

namespace stigmer::daemon {
namespace {

using ::testing::HasSubstr;

TEST(ProcessLockTest, OneHolderAtATimeAndTheSecondIsToldWho) {
  testing::TempDir dir;
  const auto lock_file = dir.path() / "supervisor.lock";
  const auto pid_file = dir.path() / "supervisor.pid";
  EXPECT_FALSE(IsLockHeld(lock_file));
  {
    absl::StatusOr<ProcessLock> first = ProcessLock::TryAcquire(lock_file, pid_file);
    ASSERT_TRUE(first.ok()) << first.status();
    ASSERT_TRUE(first->WritePidFile().ok());
    EXPECT_EQ(ReadPidFile(pid_file), ::getpid());
    EXPECT_TRUE(IsLockHeld(lock_file));

    absl::StatusOr<ProcessLock> second = ProcessLock::TryAcquire(lock_file, pid_file);
    ASSERT_FALSE(second.ok());
    EXPECT_TRUE(absl::IsAlreadyExists(second.status()));
    EXPECT_EQ(second.status().message(),
              absl::StrCat("the stigmer daemon is already running (pid ", ::getpid(), ")"));
    first->RemovePidFile();
  }
  EXPECT_FALSE(IsLockHeld(lock_file));  // released with its object
  EXPECT_FALSE(std::filesystem::exists(pid_file));
}

TEST(ProcessLockTest, MalformedOrMissingPidFilesReadAsZero) {
  testing::TempDir dir;
  EXPECT_EQ(ReadPidFile(dir.path() / "missing.pid"), 0);
  ASSERT_TRUE(WriteFileAtomically(dir.path() / "bad.pid", "not a pid\n").ok());
  EXPECT_EQ(ReadPidFile(dir.path() / "bad.pid"), 0);
}

TEST(StateFileTest, RoundTripsAndRejectsSomethingElse) {
  testing::TempDir dir;
  stigmer::daemon::v1::SavedState state;
  state.set_supervisor_pid(7);
  state.set_phase("running");
  auto* component = state.add_components();
  component->mutable_status()->set_name("temporal");
  component->mutable_status()->set_pid(99);
  component->set_start_time_ticks(12345);
  component->set_exe("/usr/bin/temporal");
  ASSERT_TRUE(WriteStateFile(dir.path() / "state.json", state).ok());
  absl::StatusOr<stigmer::daemon::v1::SavedState> read = ReadStateFile(dir.path() / "state.json");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->SerializeAsString(), state.SerializeAsString());

  ASSERT_TRUE(WriteFileAtomically(dir.path() / "other.json", "[1, 2]").ok());
  absl::StatusOr<stigmer::daemon::v1::SavedState> other = ReadStateFile(dir.path() / "other.json");
  ASSERT_FALSE(other.ok());
  EXPECT_THAT(other.status().message(), HasSubstr("is not a stigmer state file"));
  EXPECT_TRUE(absl::IsNotFound(ReadStateFile(dir.path() / "none.json").status()));
}

class ChildProcess {
 public:
  ChildProcess() {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setpgid(0, 0);
      ::pause();
      ::_exit(0);
    }
    ::setpgid(pid_, pid_);
  }
  ~ChildProcess() {
    if (pid_ > 0) ::kill(pid_, SIGKILL);  // never kill(-1, …): that is every process
    Reap();
  }
  void Reap() {
    if (pid_ > 0) ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_;
};

TEST(LeftoverCleanupTest, RemovesDeadStopsOursAndSparesStrangers) {
  testing::TempDir dir;
  config::Paths paths(dir.path());
  ASSERT_TRUE(MakeDirectories(paths.DataDir()).ok());

  // temporal: its process is gone.
  ChildProcess dead;
  const pid_t dead_pid = dead.pid();
  ::kill(dead_pid, SIGKILL);
  dead.Reap();
  ASSERT_TRUE(WriteFileAtomically(paths.PidFile("temporal"), absl::StrCat(dead_pid, "\n")).ok());
  // workflow-runner: a live process recorded as ours.
  ChildProcess ours;
  ASSERT_TRUE(
      WriteFileAtomically(paths.PidFile("workflow-runner"), absl::StrCat(ours.pid(), "\n")).ok());
  // agent-runner: a live process state.json knows nothing of.
  ChildProcess stranger;
  ASSERT_TRUE(
      WriteFileAtomically(paths.PidFile("agent-runner"), absl::StrCat(stranger.pid(), "\n")).ok());

  absl::StatusOr<supervisor::ProcessIdentity> identity =
      supervisor::ReadProcessIdentity(ours.pid());
  ASSERT_TRUE(identity.ok());
  stigmer::daemon::v1::SavedState saved;
  auto* record = saved.add_components();
  record->mutable_status()->set_name("workflow-runner");
  record->mutable_status()->set_pid(ours.pid());
  record->set_start_time_ticks(identity->start_time_ticks);
  record->set_exe(identity->exe);

  std::vector<std::string> actions =
      CleanUpLeftovers(paths, {"temporal", "stigmer-server", "workflow-runner", "agent-runner"},
                       saved, absl::Seconds(5));
  ASSERT_EQ(actions.size(), 3u);
  EXPECT_THAT(actions[0], HasSubstr("removed stale PID file"));
  EXPECT_THAT(actions[1], HasSubstr("stopped leftover workflow-runner"));
  EXPECT_THAT(actions[2], HasSubstr("which is not a stigmer process; left it alone"));

  int status = 0;
  EXPECT_EQ(::waitpid(ours.pid(), &status, WNOHANG), ours.pid());  // signalled and gone
  EXPECT_EQ(::kill(stranger.pid(), 0), 0);                         // untouched
  for (const char* name : {"temporal", "workflow-runner", "agent-runner"}) {
    EXPECT_FALSE(std::filesystem::exists(paths.PidFile(name))) << name;
  }
}

}  // namespace
}  // namespace stigmer::daemon

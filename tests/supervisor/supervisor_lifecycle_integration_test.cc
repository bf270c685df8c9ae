// Start order, start failures, restarts, crash loops and stops, with real processes.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/file_io.h"
#include "common/unique_fd.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "supervisor/supervisor_test_support.h"
#include "testing/command_runner.h"
#include "testing/test_env.h"

namespace stigmer::supervisor {
namespace {

using ::stigmer::testing::TempDir;
using ::stigmer::testing::WaitFor;
using testing::FakeComponent;
using ::testing::HasSubstr;
using testing::LiveGroupMembers;
using testing::RunningSupervisor;

const absl::Duration kDeadline = absl::Seconds(15);

TEST(SupervisorLifecycleTest, StartsInOrderEachOnceThePreviousIsReady) {
  TempDir dir;
  RunningSupervisor run({FakeComponent("a", dir.path(), {"--ready-after-ms", "300"}),
                         FakeComponent("b", dir.path(), {})},
                        {"b", "a"});
  ASSERT_TRUE(WaitFor([&] { return run.all_ready(); }, kDeadline));
  const ComponentStatus a = run.Status("a"), b = run.Status("b");
  EXPECT_EQ(a.state, ComponentState::kReady);
  EXPECT_EQ(b.state, ComponentState::kReady);
  ASSERT_TRUE(a.ready_at.has_value() && b.started_at.has_value());
  EXPECT_GE(*b.started_at, *a.ready_at);
  EXPECT_GE(*a.ready_at - *a.started_at, absl::Milliseconds(250));
  EXPECT_GT(a.start_time_ticks, 0u);
  EXPECT_THAT(run.History("a"),
              ::testing::ElementsAre(ComponentState::kStarting, ComponentState::kReady));
  absl::StatusOr<std::string> pid_file = ReadFileToString(dir.path() / "a.pid");
  ASSERT_TRUE(pid_file.ok());
  EXPECT_EQ(*pid_file, absl::StrCat(a.pid, "\n"));

  std::optional<absl::Status> result = run.Stop();
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->ok()) << *result;
  for (const char* name : {"a", "b"}) {
    EXPECT_EQ(run.Status(name).state, ComponentState::kStopped);
    EXPECT_EQ(run.Status(name).last_exit, "killed by signal 15 (SIGTERM)");
    EXPECT_EQ(run.Status(name).pid, 0);
    EXPECT_FALSE(std::filesystem::exists(dir.path() / absl::StrCat(name, ".pid")));
  }
  EXPECT_TRUE(LiveGroupMembers(a.pid).empty());
}

TEST(SupervisorLifecycleTest, ComponentNeverReadyFailsTheStartWithItsLogTail) {
  TempDir dir;
  ComponentSpec b = FakeComponent(
      "b", dir.path(), {"--never-ready", "--print", "booting", "--print-stderr", "cannot bind"});
  b.start_timeout = absl::Milliseconds(500);
  RunningSupervisor run({FakeComponent("a", dir.path(), {}), b});
  std::optional<absl::Status> result = run.WaitForResult(kDeadline);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(std::string(result->message()), HasSubstr("component \"b\" failed to start"));
  EXPECT_THAT(std::string(result->message()), HasSubstr("not ready within 500ms"));
  EXPECT_THAT(std::string(result->message()), HasSubstr("booting"));
  EXPECT_THAT(std::string(result->message()), HasSubstr("cannot bind"));
  // What had started was stopped.
  EXPECT_EQ(run.Status("a").state, ComponentState::kStopped);
  EXPECT_EQ(run.Status("b").state, ComponentState::kStopped);
}

TEST(SupervisorLifecycleTest, ProgramThatCannotBeExecutedFailsTheStart) {
  TempDir dir;
  ComponentSpec a = FakeComponent("a", dir.path(), {});
  a.argv[0] = "/nonexistent/program";
  RunningSupervisor run({a});
  std::optional<absl::Status> result = run.WaitForResult(kDeadline);
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(result->ok());
  EXPECT_THAT(std::string(result->message()),
              HasSubstr("cannot execute /nonexistent/program: No such file or directory"));
  EXPECT_EQ(run.Status("a").state, ComponentState::kFatal);
}

TEST(SupervisorLifecycleTest, HeldPortFailsTheStartNamingItsHolder) {
  TempDir dir;
  const int port = stigmer::testing::FreePort();
  UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(::listen(listener.get(), 1), 0);
  ComponentSpec a = FakeComponent("a", dir.path(), {});
  a.ports = {port};
  RunningSupervisor run({a});
  std::optional<absl::Status> result = run.WaitForResult(kDeadline);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(result->message()),
              HasSubstr(absl::StrCat("port ", port, " is in use by pid ", ::getpid())));
}

TEST(SupervisorLifecycleTest, CrashedComponentIsRestarted) {
  TempDir dir;
  RunningSupervisor run({FakeComponent("a", dir.path(), {})});
  ASSERT_TRUE(WaitFor([&] { return run.all_ready(); }, kDeadline));
  const pid_t first = run.Status("a").pid;
  ASSERT_EQ(::kill(first, SIGKILL), 0);
  ASSERT_TRUE(WaitFor(
      [&] {
        ComponentStatus a = run.Status("a");
        return a.state == ComponentState::kReady && a.pid != first && a.pid != 0;
      },
      kDeadline));
  const ComponentStatus a = run.Status("a");
  EXPECT_EQ(a.restarts, 1);
  EXPECT_EQ(a.last_exit, "killed by signal 9 (SIGKILL)");
  EXPECT_THAT(run.History("a"), ::testing::Contains(ComponentState::kBackoff));
  absl::StatusOr<std::string> pid_file = ReadFileToString(dir.path() / "a.pid");
  ASSERT_TRUE(pid_file.ok());
  EXPECT_EQ(*pid_file, absl::StrCat(a.pid, "\n"));
}

TEST(SupervisorLifecycleTest, RequestRestartStopsAndStartsARunningComponent) {
  TempDir dir;
  RunningSupervisor run({FakeComponent("a", dir.path(), {})});
  ASSERT_TRUE(WaitFor([&] { return run.all_ready(); }, kDeadline));
  const pid_t first = run.Status("a").pid;
  run.supervisor().RequestRestart("a");
  ASSERT_TRUE(WaitFor(
      [&] {
        ComponentStatus a = run.Status("a");
        return a.state == ComponentState::kReady && a.pid != first && a.pid != 0;
      },
      kDeadline));
  EXPECT_EQ(run.Status("a").restarts, 1);
  EXPECT_EQ(run.Status("a").last_exit, "killed by signal 15 (SIGTERM)");
  EXPECT_THAT(run.History("a"), ::testing::Contains(ComponentState::kStopping));
}

TEST(SupervisorLifecycleTest, CrashLoopBecomesFatalAndRequestRestartClearsIt) {
  TempDir dir;
  ComponentSpec a = FakeComponent(
      "a", dir.path(), {"--print", "boom", "--exit-after-ms", "100", "--exit-code", "3"});
  a.restart.fatal_failures = 3;
  a.restart.fatal_window = absl::Seconds(30);
  RunningSupervisor run({a});
  ASSERT_TRUE(WaitFor([&] { return run.Status("a").state == ComponentState::kFatal; }, kDeadline));
  ComponentStatus status = run.Status("a");
  EXPECT_EQ(status.restarts, 2);
  EXPECT_EQ(status.pid, 0);
  EXPECT_EQ(status.fatal_reason, "exited with code 3; last log line: boom");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "a.pid"));

  const size_t states_before = run.History("a").size();
  run.supervisor().RequestRestart("a");
  // It runs again (and, still crashing, will become fatal again later).
  EXPECT_TRUE(WaitFor(
      [&] {
        std::vector<ComponentState> states = run.History("a");
        return std::find(states.begin() + states_before, states.end(), ComponentState::kReady) !=
               states.end();
      },
      kDeadline));
  EXPECT_GE(run.Status("a").restarts, 3);
}

TEST(SupervisorLifecycleTest, ChildIgnoringSigtermIsKilledAtItsStopTimeout) {
  TempDir dir;
  ComponentSpec a = FakeComponent("a", dir.path(), {"--ignore-sigterm"});
  a.stop_timeout = absl::Milliseconds(300);
  RunningSupervisor run({a});
  ASSERT_TRUE(WaitFor([&] { return run.all_ready(); }, kDeadline));
  const absl::Time stop_began = absl::Now();
  std::optional<absl::Status> result = run.Stop();
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->ok()) << *result;
  EXPECT_GE(absl::Now() - stop_began, absl::Milliseconds(300));
  EXPECT_EQ(run.Status("a").last_exit, "killed by signal 9 (SIGKILL)");
}

TEST(SupervisorLifecycleTest, GrandchildrenDoNotSurviveAStop) {
  TempDir dir;
  RunningSupervisor run({FakeComponent("a", dir.path(), {"--fork-grandchildren", "3"})});
  ASSERT_TRUE(WaitFor([&] { return run.all_ready(); }, kDeadline));
  const pid_t pgid = run.Status("a").pid;
  ASSERT_TRUE(WaitFor([&] { return LiveGroupMembers(pgid).size() == 4; }, kDeadline));
  std::optional<absl::Status> result = run.Stop();
  ASSERT_TRUE(result.has_value());
  // Killed at once (the leader obeyed SIGTERM; the rest got SIGKILL), perhaps not yet reaped
  // by init.
  EXPECT_TRUE(WaitFor([&] { return LiveGroupMembers(pgid).empty(); }, absl::Seconds(5)));
  if (::kill(-pgid, 0) != 0) {
    EXPECT_EQ(errno, ESRCH);
  }
}

TEST(SupervisorLifecycleTest, GrandchildrenDoNotSurviveACrash) {
  TempDir dir;
  RunningSupervisor run({FakeComponent("a", dir.path(), {"--fork-grandchildren", "2"})});
  ASSERT_TRUE(WaitFor([&] { return run.all_ready(); }, kDeadline));
  const pid_t pgid = run.Status("a").pid;
  ASSERT_TRUE(WaitFor([&] { return LiveGroupMembers(pgid).size() == 3; }, kDeadline));
  ASSERT_EQ(::kill(pgid, SIGKILL), 0);
  EXPECT_TRUE(WaitFor([&] { return LiveGroupMembers(pgid).empty(); }, kDeadline));
}

// A ready component's heartbeat (STIGMER_WATCHDOG_MS) stops: it is `unhealthy`, then restarted.
ComponentSpec HeartbeatingComponent(const std::filesystem::path& dir) {
  ComponentSpec a = FakeComponent("a", dir, {"--heartbeat"});
  a.readiness.watchdog_interval = absl::Milliseconds(100);
  a.readiness.watchdog_missed = 3;
  a.stop_timeout = absl::Seconds(2);
  return a;
}

void ExpectRestartedAfterUnhealthy(RunningSupervisor& run, pid_t first) {
  ASSERT_TRUE(WaitFor(
      [&] {
        ComponentStatus a = run.Status("a");
        return a.state == ComponentState::kReady && a.pid != first && a.pid != 0;
      },
      kDeadline));
  EXPECT_THAT(run.History("a"), ::testing::Contains(ComponentState::kUnhealthy));
  const ComponentStatus a = run.Status("a");
  EXPECT_EQ(a.restarts, 1);
  EXPECT_THAT(a.last_exit, HasSubstr("(unhealthy: no heartbeat for 300ms)"));
  EXPECT_FALSE(stigmer::testing::ProcessAlive(first));
}

TEST(SupervisorLifecycleTest, StoppedProcessIsUnhealthyThenRestarted) {
  TempDir dir;
  RunningSupervisor run({HeartbeatingComponent(dir.path())});
  ASSERT_TRUE(WaitFor([&] { return run.all_ready(); }, kDeadline));
  const pid_t first = run.Status("a").pid;
  ASSERT_EQ(::kill(first, SIGSTOP), 0);
  ExpectRestartedAfterUnhealthy(run, first);
  // SIGCONT after SIGTERM: the stopped process ended by the SIGTERM, not at the stop timeout.
  EXPECT_THAT(run.Status("a").last_exit, HasSubstr("SIGTERM"));
}

TEST(SupervisorLifecycleTest, RunningProcessWhoseHeartbeatStopsIsRestarted) {
  TempDir dir;
  RunningSupervisor run({HeartbeatingComponent(dir.path())});
  ASSERT_TRUE(WaitFor([&] { return run.all_ready(); }, kDeadline));
  const pid_t first = run.Status("a").pid;
  ASSERT_EQ(::kill(first, SIGUSR1), 0);
  ExpectRestartedAfterUnhealthy(run, first);
}

}  // namespace
}  // namespace stigmer::supervisor

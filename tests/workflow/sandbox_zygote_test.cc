// The expression sandbox zygote: sandboxes are its children, not exec'd programs; each dies
// with its ExpressionSandbox, all of them with the zygote, and the zygote with the process that
// forked it; a zygote that is gone is replaced by exec'd sandboxes, and one stuck sandbox does
// not hold up the others.

#include "workflow/sandbox_zygote.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <string>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/process_tree.h"
#include "testing/test_env.h"
#include "workflow/expression_sandbox.h"
#include "workflow/sandbox_test_limits.h"

namespace stigmer::workflow {
namespace {

using ::stigmer::testing::ParentOf;
using ::testing::HasSubstr;

constexpr const char* kIdentity = kSandboxIdentity;

ExpressionLimits Limits() { return SandboxTestLimits(absl::Seconds(2)); }

// Gone, or a zombie nobody will run again.
bool Ended(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  return line[line.rfind(')') + 2] == 'Z';
}

bool EndsWithin(pid_t pid, absl::Duration limit) {
  const absl::Time deadline = absl::Now() + limit;
  while (!Ended(pid)) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(5));  // polling /proc: there is nothing to wait on
  }
  return true;
}

std::shared_ptr<SandboxZygote> ForkZygote() {
  auto zygote = SandboxZygote::Fork(ExecSandboxLauncher(testing::StigmerBinary()));
  EXPECT_TRUE(zygote.ok()) << zygote.status();
  return zygote.ok() ? *zygote : nullptr;
}

TEST(SandboxZygoteTest, SandboxesAreForkedByTheZygoteNotExecd) {
  std::shared_ptr<SandboxZygote> zygote = ForkZygote();
  ASSERT_NE(zygote, nullptr);
  ExpressionSandbox sandbox(zygote, Limits());
  auto result = sandbox.Run(kIdentity, "[5]");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->value_or(""), "5");
  EXPECT_EQ(ParentOf(sandbox.child_pid()), zygote->pid());
  EXPECT_EQ(ParentOf(zygote->pid()), ::getpid());
}

TEST(SandboxZygoteTest, DestroyedSandboxTakesItsChildWithIt) {
  std::shared_ptr<SandboxZygote> zygote = ForkZygote();
  ASSERT_NE(zygote, nullptr);
  auto sandbox = std::make_unique<ExpressionSandbox>(zygote, Limits());
  ASSERT_TRUE(sandbox->Run(kIdentity, "[1]").ok());
  const pid_t child = sandbox->child_pid();
  sandbox.reset();
  EXPECT_TRUE(EndsWithin(child, absl::Seconds(5)));
}

TEST(SandboxZygoteTest, StuckSandboxIsKilledWhileAnotherAnswers) {
  std::shared_ptr<SandboxZygote> zygote = ForkZygote();
  ASSERT_NE(zygote, nullptr);
  ExpressionSandbox stuck(zygote, Limits());
  ExpressionSandbox good(zygote, Limits());
  ASSERT_TRUE(good.Run(kIdentity, "[0]").ok());
  absl::Notification stopped;
  absl::Status stuck_status;
  std::thread never_ends([&] {
    stuck_status = stuck.Run(". as [$d] | $d | (def f: f; f)", "[null]").status();
    stopped.Notify();
  });
  int answered = 0;
  while (!stopped.HasBeenNotified()) {
    const absl::Time asked = absl::Now();
    auto result = good.Run(kIdentity, "[" + std::to_string(answered) + "]");
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_LT(absl::Now() - asked, absl::Milliseconds(500));
    ++answered;
  }
  never_ends.join();
  EXPECT_TRUE(absl::IsResourceExhausted(stuck_status)) << stuck_status;
  EXPECT_THAT(stuck_status.message(), HasSubstr("stopped after 2s"));
  EXPECT_GT(answered, 10);
  EXPECT_TRUE(stuck.Run(kIdentity, "[9]").ok()) << "a new child after the stuck one";
}

TEST(SandboxZygoteTest, ZygoteKilledTakesItsSandboxesAndExecdOnesTakeOver) {
  std::shared_ptr<SandboxZygote> zygote = ForkZygote();
  ASSERT_NE(zygote, nullptr);
  ExpressionSandbox sandbox(zygote, Limits());
  ASSERT_TRUE(sandbox.Run(kIdentity, "[1]").ok());
  const pid_t forked = sandbox.child_pid();
  ::kill(zygote->pid(), SIGKILL);
  EXPECT_TRUE(EndsWithin(forked, absl::Seconds(5))) << "a sandbox outlived its zygote";

  auto result = sandbox.Run(kIdentity, "[2]");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->value_or(""), "2");
  EXPECT_EQ(ParentOf(sandbox.child_pid()), ::getpid()) << "not exec'd by this process";
}

TEST(SandboxZygoteTest, KilledWorkerTakesTheZygoteAndItsSandboxes) {
  int pids[2];
  ASSERT_EQ(::pipe(pids), 0);
  const pid_t worker = ::fork();
  ASSERT_GE(worker, 0);
  if (worker == 0) {  // a worker: a zygote, one sandbox; it tells their pids and waits
    ::close(pids[0]);
    auto zygote = SandboxZygote::Fork(ExecSandboxLauncher(testing::StigmerBinary()));
    if (!zygote.ok()) ::_exit(1);
    ExpressionSandbox sandbox(*zygote, Limits());
    if (!sandbox.Run(kIdentity, "[1]").ok()) ::_exit(1);
    const pid_t told[2] = {(*zygote)->pid(), sandbox.child_pid()};
    if (::write(pids[1], told, sizeof(told)) != sizeof(told)) ::_exit(1);
    ::pause();
    ::_exit(0);
  }
  ::close(pids[1]);
  pid_t told[2] = {0, 0};
  ASSERT_EQ(::read(pids[0], told, sizeof(told)), static_cast<ssize_t>(sizeof(told)));
  ::close(pids[0]);
  ::kill(worker, SIGKILL);
  ::waitpid(worker, nullptr, 0);
  EXPECT_TRUE(EndsWithin(told[0], absl::Seconds(5))) << "the zygote outlived its worker";
  EXPECT_TRUE(EndsWithin(told[1], absl::Seconds(5))) << "a sandbox outlived its worker";
}

TEST(SandboxZygoteTest, SigtermToTheWorkersGroupLeavesTheSandboxesToAnswer) {
  std::shared_ptr<SandboxZygote> zygote = ForkZygote();
  ASSERT_NE(zygote, nullptr);
  ExpressionSandbox sandbox(zygote, Limits());
  ASSERT_TRUE(sandbox.Run(kIdentity, "[1]").ok());
  const pid_t child = sandbox.child_pid();
  // What the supervisor's stop sends to workflow-runner's group, which a test cannot share.
  ::kill(zygote->pid(), SIGTERM);
  ::kill(child, SIGTERM);
  auto result = sandbox.Run(kIdentity, "[2]");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->value_or(""), "2");
  EXPECT_EQ(sandbox.child_pid(), child) << "the sandbox ended on SIGTERM";
  EXPECT_EQ(ParentOf(child), zygote->pid());
}

TEST(SandboxZygoteTest, RefusedOnceThreadsRun) {
  absl::Notification done;
  std::thread other([&] { done.WaitForNotification(); });
  auto zygote = SandboxZygote::Fork(ExecSandboxLauncher(testing::StigmerBinary()));
  done.Notify();
  other.join();
  EXPECT_TRUE(absl::IsFailedPrecondition(zygote.status())) << zygote.status();
  EXPECT_THAT(zygote.status().message(), HasSubstr("before any thread starts"));
}

}  // namespace
}  // namespace stigmer::workflow

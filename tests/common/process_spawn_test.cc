#include "common/process_spawn.h"

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace stigmer {
namespace {

// Runs `script` with /bin/sh, stdout on a pipe; returns what it printed once it exited, or the
// spawn error.
absl::StatusOr<std::string> Output(SpawnPlan plan,
                                   const std::function<absl::Status(pid_t)>& before_exec = {}) {
  absl::StatusOr<Pipe> out = MakePipe();
  if (!out.ok()) return out.status();
  plan.stdio[0] = out->write.get();  // unused input: the child reads nothing
  plan.stdio[1] = out->write.get();
  plan.stdio[2] = out->write.get();
  absl::StatusOr<pid_t> pid = SpawnProcess(plan, before_exec);
  if (!pid.ok()) return pid.status();
  out->write.Reset();
  std::string printed;
  char buffer[256];
  ssize_t got;
  while ((got = ::read(out->read.get(), buffer, sizeof buffer)) > 0) printed.append(buffer, got);
  ::waitpid(*pid, nullptr, 0);
  return printed;
}

SpawnPlan Shell(const std::string& script) {
  SpawnPlan plan;
  plan.argv = {"/bin/sh", "-c", script};
  plan.env = {"PATH=/usr/bin:/bin"};
  return plan;
}

TEST(ProcessSpawnTest, TheChildGetsItsFolderItsFd3AndNothingElse) {
  testing::TempDir dir;
  absl::StatusOr<Pipe> extra = MakePipe();
  ASSERT_TRUE(extra.ok());
  SpawnPlan plan = Shell("pwd; echo ready >&3; ls /proc/self/fd | sort -n | tr '\\n' ' '");
  plan.working_dir = dir.path().string();
  plan.fd3 = extra->write.get();
  absl::StatusOr<std::string> printed = Output(plan);
  ASSERT_TRUE(printed.ok()) << printed.status();
  // ls itself opens one descriptor for /proc/self/fd.
  EXPECT_THAT(*printed, ::testing::StartsWith(dir.path().string() + "\n0 1 2 3 "));
  EXPECT_THAT(*printed, ::testing::Not(::testing::HasSubstr(" 5 ")));
  extra->write.Reset();
  char ready[6] = {};
  EXPECT_EQ(::read(extra->read.get(), ready, 5), 5);
  EXPECT_STREQ(ready, "ready");
}

TEST(ProcessSpawnTest, AMissingFolderOrProgramIsNamed) {
  SpawnPlan in_nowhere = Shell("true");
  in_nowhere.working_dir = "/no/such/folder";
  EXPECT_EQ(Output(in_nowhere).status().message(),
            "the working folder /no/such/folder does not exist");
  SpawnPlan missing;
  missing.argv = {"/no/such/program"};
  EXPECT_EQ(Output(missing).status().message(),
            "cannot execute /no/such/program: No such file or directory");
  EXPECT_EQ(Output(SpawnPlan{}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ProcessSpawnTest, NothingRunsWhenTheParentRefusesBeforeExec) {
  testing::TempDir dir;
  const std::filesystem::path marker = dir.path() / "ran";
  pid_t seen = 0;
  absl::StatusOr<std::string> refused = Output(Shell("touch " + marker.string()), [&](pid_t pid) {
    seen = pid;
    return absl::ResourceExhaustedError("no room to record the group");
  });
  EXPECT_EQ(refused.status().message(), "no room to record the group");
  EXPECT_GT(seen, 0);
  EXPECT_FALSE(std::filesystem::exists(marker));
  EXPECT_NE(::kill(seen, 0), 0) << "the refused child is still there";
  absl::StatusOr<std::string> allowed =
      Output(Shell("echo go"), [](pid_t) { return absl::OkStatus(); });
  EXPECT_EQ(*allowed, "go\n");
}

TEST(ProcessSpawnTest, ADetachedProcessOutlivesNobodyWaiting) {
  testing::TempDir dir;
  const std::filesystem::path marker = dir.path() / "detached";
  SpawnPlan plan = Shell("touch " + marker.string());
  plan.mode = SpawnPlan::Mode::kDetached;
  absl::StatusOr<Pipe> sink = MakePipe();
  ASSERT_TRUE(sink.ok());
  for (int& fd : plan.stdio) fd = sink->write.get();
  absl::StatusOr<pid_t> pid = SpawnProcess(plan);
  ASSERT_TRUE(pid.ok()) << pid.status();
  EXPECT_EQ(*pid, 0);
  EXPECT_TRUE(testing::WaitFor([&] { return std::filesystem::exists(marker); }, absl::Seconds(10)));
}

}  // namespace
}  // namespace stigmer

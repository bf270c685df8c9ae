// RunShellActivity with real /bin/sh commands: the `return` modes, arguments, environment,
// stdin, limits and cancellation (dsl-reference.md, Run, Shell Process, Process Result).

#include "activities/shell_activity.h"

#include <signal.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/command_runner.h"
#include "testing/test_env.h"

namespace stigmer::activities {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr char kErrors[] = "https://serverlessworkflow.io/spec/1.0.0/errors/";
constexpr char kTask[] = "/do/0/runShell";

class FakeControl : public ActivityControl {
 public:
  explicit FakeControl(std::function<bool()> keep_going = [] { return true; })
      : keep_going_(std::move(keep_going)) {}
  bool KeepGoing() override {
    ++calls;
    return keep_going_();
  }
  std::atomic<int> calls{0};

 private:
  std::function<bool()> keep_going_;
};

json Request(json shell, const std::string& mode = "stdout", bool await = true) {
  return {{"task", kTask},
          {"input", {{"name", "milou"}}},
          {"shell", std::move(shell)},
          {"return", mode},
          {"await", await}};
}

ActivityResult RunCommand(json shell, const std::string& mode = "stdout",
                          const ActivityLimits& limits = {}) {
  FakeControl control;
  return RunShellActivity(Request(std::move(shell), mode), limits, control);
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream file(path);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

// True while a process that is not a zombie belongs to process group `pgid`.
bool GroupAlive(pid_t pgid) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    pid_t pid;
    if (!absl::SimpleAtoi(entry.path().filename().string(), &pid)) continue;
    const std::string stat = ReadFile(entry.path() / "stat");
    const size_t paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    std::vector<std::string> fields = absl::StrSplit(stat.substr(paren + 2), ' ');
    // After the name: state, ppid, pgrp.
    if (fields.size() > 2 && fields[0] != "Z" && fields[2] == std::to_string(pgid)) return true;
  }
  return false;
}

TEST(ShellActivityTest, ReturnsStdoutWithoutItsFinalNewlineByDefault) {
  ActivityResult result = RunCommand({{"command", "echo \"Hello, milou\""}});
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output, "Hello, milou");
}

TEST(ShellActivityTest, DropsOnlyOneFinalNewline) {
  ActivityResult result = RunCommand({{"command", "printf 'a\\n\\n'"}});
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output, "a\n");
}

TEST(ShellActivityTest, ReturnsStderr) {
  ActivityResult result = RunCommand({{"command", "echo out; echo oops >&2"}}, "stderr");
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output, "oops");
}

TEST(ShellActivityTest, ReturnsTheExitCodeWithoutRaising) {
  ActivityResult result = RunCommand({{"command", "exit 3"}}, "code");
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output, 3);
}

TEST(ShellActivityTest, ReturnsAllAsAProcessResult) {
  ActivityResult result = RunCommand({{"command", "echo out; echo err >&2; exit 2"}}, "all");
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output, json({{"code", 2}, {"stdout", "out"}, {"stderr", "err"}}));
}

TEST(ShellActivityTest, ReturnsNothingWithNone) {
  ActivityResult result = RunCommand({{"command", "echo ignored"}}, "none");
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output, nullptr);
}

TEST(ShellActivityTest, ANonZeroExitIsARuntimeErrorWithTheCodeAndStderr) {
  for (const char* mode : {"stdout", "stderr", "none"}) {
    ActivityResult result =
        RunCommand({{"command", "echo partial; echo 'disk full' >&2; exit 3"}}, mode);
    ASSERT_EQ(result.state, ActivityResult::State::kFailed) << mode;
    EXPECT_EQ(result.error.type, std::string(kErrors) + "runtime");
    EXPECT_EQ(result.error.status, 500);
    EXPECT_EQ(result.error.title, "Command failed");
    EXPECT_EQ(result.error.detail, "exit code 3: disk full");
    EXPECT_EQ(result.error.instance, kTask);
  }
}

TEST(ShellActivityTest, ACommandThatIsNotFoundFails) {
  ActivityResult result = RunCommand({{"command", "no-such-command-for-stigmer"}});
  ASSERT_EQ(result.state, ActivityResult::State::kFailed);
  EXPECT_THAT(result.error.detail, HasSubstr("exit code 127: "));
  EXPECT_THAT(result.error.detail, HasSubstr("not found"));
}

TEST(ShellActivityTest, AKillingSignalIsNamed) {
  ActivityResult result = RunCommand({{"command", "kill -KILL $$"}}, "code");
  ASSERT_EQ(result.state, ActivityResult::State::kFailed);
  EXPECT_EQ(result.error.title, "Command killed");
  EXPECT_THAT(result.error.detail, HasSubstr("killed by signal 9 (SIGKILL)"));
}

TEST(ShellActivityTest, ListArgumentsArePositionalParametersKeptAsSeparateWords) {
  ActivityResult result =
      RunCommand({{"command", "printf '%s|' \"$@\""}, {"arguments", {"a b", "$HOME", "'q'", 7}}});
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output, "a b|$HOME|'q'|7|");
}

TEST(ShellActivityTest, MapArgumentsPassEachKeyThenItsValue) {
  ActivityResult result = RunCommand(
      {{"command", "printf '%s|' \"$@\""}, {"arguments", {{"--name", "milou"}, {"-v", nullptr}}}});
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output, "--name|milou|-v|");
}

// The spec's run-shell example echoes "ARGS are $1 $2": arguments used to be appended to the
// command's last line as well, which printed them twice.
TEST(ShellActivityTest, ArgumentsAreNotAppendedToTheCommand) {
  ActivityResult result =
      RunCommand({{"command", "echo \"ARGS are $1 $2\""}, {"arguments", {"Foo", "Bar"}}});
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output, "ARGS are Foo Bar");
}

TEST(ShellActivityTest, ArgumentsArePositionalParameters) {
  ActivityResult result =
      RunCommand({{"command", "test \"$1\" = first && echo \"$1\""}, {"arguments", {"first"}}});
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output, "first");
}

TEST(ShellActivityTest, EnvironmentIsAddedAndNullRemoves) {
  ActivityResult result = RunCommand({{"command", "printf '%s %s' \"$GREETING\" \"${HOME-unset}\""},
                                      {"environment", {{"GREETING", "hi"}, {"HOME", nullptr}}}});
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output, "hi unset");
}

TEST(ShellActivityTest, StdinIsWrittenToTheCommand) {
  ActivityResult result = RunCommand({{"command", "cat"}, {"stdin", "line 1\nline 2\n"}});
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output, "line 1\nline 2");
}

TEST(ShellActivityTest, StdinLargerThanAPipeIsFedWhileOutputIsRead) {
  ActivityResult result =
      RunCommand({{"command", "cat; cat /dev/null"}, {"stdin", std::string(300000, 'x')}});
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output.get<std::string>().size(), 300000u);
}

TEST(ShellActivityTest, StdinThatTheCommandDoesNotReadIsDropped) {
  ActivityResult result =
      RunCommand({{"command", "exec 0<&-; echo done"}, {"stdin", std::string(1 << 20, 'x')}});
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output, "done");
}

TEST(ShellActivityTest, OutputThatIsNotUtf8IsRepaired) {
  ActivityResult result = RunCommand({{"command", "printf '\\377ok'"}});
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output, "\xEF\xBF\xBDok");
}

TEST(ShellActivityTest, OutputOverTheLimitKillsTheCommand) {
  ActivityLimits limits;
  limits.max_output_bytes = 1000;
  for (const char* stream : {"stdout", "stderr"}) {
    const std::string redirect = std::string(stream) == "stderr" ? " >&2" : "";
    ActivityResult result = RunCommand(
        {{"command", "while :; do echo 0123456789" + redirect + "; done"}}, "all", limits);
    ASSERT_EQ(result.state, ActivityResult::State::kFailed) << stream;
    EXPECT_EQ(result.error.type, std::string(kErrors) + "runtime");
    EXPECT_THAT(result.error.detail,
                HasSubstr(std::string("the ") + stream + " of the command exceeded 1000 bytes"));
  }
}

TEST(ShellActivityTest, ACommandPastTheShellTimeoutIsKilledWithATimeoutError) {
  ActivityLimits limits;
  limits.shell_timeout = absl::Milliseconds(300);
  const absl::Time start = absl::Now();
  ActivityResult result = RunCommand({{"command", "sleep 30"}}, "all", limits);
  ASSERT_EQ(result.state, ActivityResult::State::kFailed);
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  EXPECT_EQ(result.error.type, std::string(kErrors) + "timeout");
  EXPECT_EQ(result.error.status, 408);
  EXPECT_EQ(result.error.instance, kTask);
  EXPECT_THAT(result.error.detail, HasSubstr("did not finish within 300ms"));
  EXPECT_THAT(result.error.detail, HasSubstr("STIGMER_SHELL_TIMEOUT_S"));
}

TEST(ShellActivityTest, KeepGoingIsAskedWhileTheCommandRuns) {
  FakeControl control;
  ActivityResult result =
      RunShellActivity(Request({{"command", "sleep 2"}}), ActivityLimits{}, control);
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_GE(control.calls.load(), 2);
}

TEST(ShellActivityTest, CancellationKillsTheWholeProcessGroupPromptly) {
  stigmer::testing::TempDir dir;
  const std::filesystem::path pid_file = dir.path() / "pids";
  // Stop once the command has written its pid and that of its background child.
  pid_t leader = 0, background = 0;
  FakeControl control([&] {
    std::vector<std::string> pids = absl::StrSplit(ReadFile(pid_file), ' ', absl::SkipEmpty());
    return !(pids.size() == 2 && absl::SimpleAtoi(pids[0], &leader) &&
             absl::SimpleAtoi(pids[1], &background));
  });
  const absl::Time start = absl::Now();
  ActivityResult result =
      RunShellActivity(Request({{"command",
                                 "sleep 30 & echo \"$$ $!\" > \"$PID_FILE.tmp\"; "
                                 "mv \"$PID_FILE.tmp\" \"$PID_FILE\"; wait"},
                                {"environment", {{"PID_FILE", pid_file.string()}}}}),
                       ActivityLimits{}, control);
  EXPECT_EQ(result.state, ActivityResult::State::kCancelled);
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  ASSERT_GT(leader, 0);
  EXPECT_FALSE(stigmer::testing::ProcessAlive(leader));
  EXPECT_TRUE(stigmer::testing::WaitFor([&] { return !stigmer::testing::ProcessAlive(background); },
                                        absl::Seconds(5)));
  EXPECT_TRUE(stigmer::testing::WaitFor([&] { return !GroupAlive(leader); }, absl::Seconds(5)));
}

TEST(ShellActivityTest, WithoutAwaitTheCommandRunsDetachedAndTheInputIsTheOutput) {
  stigmer::testing::TempDir dir;
  const std::filesystem::path file = dir.path() / "out";
  FakeControl control;
  ActivityResult result =
      RunShellActivity(Request({{"command", "cat > \"$OUT.tmp\"; mv \"$OUT.tmp\" \"$OUT\""},
                                {"environment", {{"OUT", file.string()}}},
                                {"stdin", "detached"}},
                               "stdout", /*await=*/false),
                       ActivityLimits{}, control);
  ASSERT_TRUE(result.ok()) << result.error.ToJson();
  EXPECT_EQ(result.output, json({{"name", "milou"}}));
  EXPECT_TRUE(
      stigmer::testing::WaitFor([&] { return ReadFile(file) == "detached"; }, absl::Seconds(10)));
}

TEST(ShellActivityTest, MalformedRequestsAreConfigurationErrors) {
  const json requests[] = {
      Request(json::object()),
      Request({{"command", 3}}),
      Request({{"command", "true"}, {"arguments", "-la"}}),
      Request({{"command", "true"}, {"environment", {{"A=B", "c"}}}}),
      Request({{"command", "true"}}, "everything"),
  };
  for (const json& request : requests) {
    FakeControl control;
    ActivityResult result = RunShellActivity(request, ActivityLimits{}, control);
    ASSERT_EQ(result.state, ActivityResult::State::kFailed) << request;
    EXPECT_EQ(result.error.type, std::string(kErrors) + "configuration") << request;
    EXPECT_EQ(result.error.instance, kTask);
  }
}

}  // namespace
}  // namespace stigmer::activities

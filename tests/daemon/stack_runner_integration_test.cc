// A restart of every component, with the fixture components: stopped in stop order, the
// configuration read again, started in start order, each once the one before is ready.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/file_io.h"
#include "daemon/process_lock.h"
#include "daemon/sd_notify.h"
#include "daemon/stack_runner.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "supervisor/supervisor_test_support.h"
#include "testing/command_runner.h"
#include "testing/notify_socket.h"
#include "testing/test_env.h"

namespace stigmer::daemon {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

const absl::Duration kDeadline = absl::Seconds(20);

// Every status change, as "name:state".
class Recorder : public supervisor::SupervisorObserver {
 public:
  void OnStatusChanged(const supervisor::ComponentStatus& status) override {
    absl::MutexLock lock(&mutex_);
    const std::string entry = absl::StrCat(status.name, ":", supervisor::ToString(status.state));
    if (seen_.empty() || seen_.back() != entry) seen_.push_back(entry);
  }
  std::vector<std::string> seen() const {
    absl::MutexLock lock(&mutex_);
    return seen_;
  }
  void Clear() {
    absl::MutexLock lock(&mutex_);
    seen_.clear();
  }
  // The names whose changes ended in `state`, in the order they reached it.
  std::vector<std::string> Reached(const std::string& state) const {
    std::vector<std::string> names;
    for (const std::string& entry : seen()) {
      if (absl::EndsWith(entry, absl::StrCat(":", state))) {
        names.push_back(entry.substr(0, entry.rfind(':')));
      }
    }
    return names;
  }

 private:
  mutable absl::Mutex mutex_;
  std::vector<std::string> seen_ ABSL_GUARDED_BY(mutex_);
};

TEST(StackRunnerTest, RestartAllStopsInOrderAndRereadsConfig) {
  testing::TempDir dir;
  const std::filesystem::path config = dir.path() / "port";
  ASSERT_TRUE(WriteFileAtomically(config, "7234").ok());
  // The profile the daemon builds, with fake components: stigmer-server prints its "port", read
  // from the configuration each time the profile is built.
  auto source = [&]() -> absl::StatusOr<StackProfile> {
    absl::StatusOr<std::string> port = ReadFileToString(config);
    if (!port.ok()) return port.status();
    if (*port == "bad") return absl::InvalidArgumentError("config.yaml: server.port is not a port");
    StackProfile profile;
    for (const std::string& name : ComponentNames()) {
      std::vector<std::string> args = {"--ready-after-ms", "100"};
      if (name == kStigmerServer) args = {"--ready-after-ms", "100", "--print", "port=" + *port};
      profile.components.push_back(supervisor::testing::FakeComponent(name, dir.path(), args));
    }
    profile.stop_order = {kLlm, kWorkflowRunner, kAgentRunner, kTemporal, kStigmerServer};
    return profile;
  };
  Recorder recorder;
  StackRunner stack(source, &recorder);
  absl::Status result = absl::UnknownError("still running");
  std::thread runner([&] { result = stack.Run(*source()); });
  auto all_ready = [&] { return recorder.Reached("ready").size() == ComponentNames().size(); };
  ASSERT_TRUE(testing::WaitFor(all_ready, kDeadline));

  // A configuration that cannot be read: the restart is refused and nothing is stopped.
  ASSERT_TRUE(WriteFileAtomically(config, "bad").ok());
  recorder.Clear();
  absl::Status refused = stack.RequestRestart("");
  EXPECT_TRUE(absl::IsInvalidArgument(refused)) << refused;
  EXPECT_EQ(refused.message(), "config.yaml: server.port is not a port");
  EXPECT_TRUE(absl::IsNotFound(stack.RequestRestart("nope")));

  ASSERT_TRUE(WriteFileAtomically(config, "7300").ok());
  ASSERT_TRUE(stack.RequestRestart("").ok());
  ASSERT_TRUE(testing::WaitFor(all_ready, kDeadline)) << ::testing::PrintToString(recorder.seen());
  const std::vector<std::string> seen = recorder.seen();
  EXPECT_THAT(recorder.Reached("stopped"),
              ElementsAre(kLlm, kWorkflowRunner, kAgentRunner, kTemporal, kStigmerServer));
  EXPECT_THAT(recorder.Reached("starting"),
              ElementsAre(kTemporal, kStigmerServer, kWorkflowRunner, kAgentRunner, kLlm));
  auto at = [&](const std::string& entry) {
    return std::find(seen.begin(), seen.end(), entry) - seen.begin();
  };
  // Every stop before the first start; each start once the one before is ready.
  EXPECT_LT(at("stigmer-server:stopped"), at("temporal:starting"));
  EXPECT_LT(at("temporal:ready"), at("stigmer-server:starting"));
  EXPECT_LT(at("stigmer-server:ready"), at("workflow-runner:starting"));
  EXPECT_LT(at("workflow-runner:ready"), at("agent-runner:starting"));
  // Each stop waited for the one before to end.
  EXPECT_LT(at("workflow-runner:stopped"), at("agent-runner:stopping"));
  EXPECT_LT(at("agent-runner:stopped"), at("temporal:stopping"));
  EXPECT_LT(at("temporal:stopped"), at("stigmer-server:stopping"));

  // The new configuration took effect.
  EXPECT_TRUE(testing::WaitFor(
      [&] {
        auto log = ReadFileToString(dir.path() / "stigmer-server.log");
        return log.ok() && absl::StrContains(*log, "port=7300");
      },
      kDeadline));

  stack.RequestStop();
  runner.join();
  EXPECT_TRUE(result.ok()) << result;
  EXPECT_THAT(recorder.seen(), Not(::testing::Contains(HasSubstr(":fatal"))));
}

// systemd's STOPPING=1 used to be sent once everything had stopped; it belongs to the moment a
// SIGTERM-driven stop begins, while the components still run.
TEST(StackRunnerTest, StoppingIsNotifiedWhenASigtermStopBeginsNotAfterIt) {
  testing::TempDir dir;
  testing::NotifySocket notify(dir.path() / "notify");
  ASSERT_EQ(::setenv("NOTIFY_SOCKET", notify.path().c_str(), 1), 0);
  StackProfile profile;
  for (const std::string& name : ComponentNames()) {
    std::vector<std::string> args = {"--ready-after-ms", "10"};
    // The first to stop holds the stop up until its stop timeout (SIGKILL after 5 s).
    if (name == kWorkflowRunner) args.push_back("--ignore-sigterm");
    profile.components.push_back(supervisor::testing::FakeComponent(name, dir.path(), args));
  }
  profile.stop_order = {kLlm, kWorkflowRunner, kAgentRunner, kTemporal, kStigmerServer};
  Recorder recorder;
  int stops_begun = 0;
  StackRunner stack([&]() -> absl::StatusOr<StackProfile> { return profile; }, &recorder, nullptr,
                    [&] {
                      ++stops_begun;
                      NotifyServiceManager("STOPPING=1");
                    });
  absl::Status result = absl::UnknownError("still running");
  std::thread runner([&] { result = stack.Run(profile); });
  ASSERT_TRUE(testing::WaitFor(
      [&] { return recorder.Reached("ready").size() == ComponentNames().size(); }, kDeadline));
  const pid_t runner_pid = ReadPidFile(dir.path() / "workflow-runner.pid");
  ASSERT_GT(runner_pid, 0);

  ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);  // blocked in every thread: read by the supervisor
  EXPECT_EQ(notify.Receive(kDeadline), "STOPPING=1");
  EXPECT_TRUE(testing::ProcessAlive(runner_pid)) << "STOPPING=1 came after the stop";
  EXPECT_THAT(recorder.Reached("stopped"), Not(::testing::Contains(kStigmerServer)));

  runner.join();
  ::unsetenv("NOTIFY_SOCKET");
  EXPECT_TRUE(result.ok()) << result;
  EXPECT_EQ(stops_begun, 1);
  EXPECT_EQ(notify.Receive(absl::ZeroDuration()), "") << "STOPPING=1 is sent once";
  EXPECT_THAT(recorder.Reached("stopped"),
              ElementsAre(kLlm, kWorkflowRunner, kAgentRunner, kTemporal, kStigmerServer));
}

}  // namespace
}  // namespace stigmer::daemon

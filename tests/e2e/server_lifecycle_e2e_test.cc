// `stigmer server` with the real Temporal CLI: start, status, logs, crashes, stop.
#include <signal.h>
#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/stigmer_home.h"

namespace stigmer::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const char* const kComponents[] = {"temporal", "stigmer-server", "workflow-runner", "agent-runner"};

TEST(ServerLifecycle, StartsAllFourInOrderKeepsThemUpAndStopsClean) {
  StigmerHome home;
  CommandResult start = home.Run({"server"});
  ASSERT_EQ(start.exit_code, 0) << start.out << start.err;
  EXPECT_THAT(start.out, HasSubstr("✓ temporal ready"));
  EXPECT_THAT(start.out, HasSubstr("✓ stigmer-server ready"));
  EXPECT_THAT(start.out, HasSubstr("✓ workflow-runner ready"));
  EXPECT_THAT(start.out, HasSubstr("✓ agent-runner ready"));
  EXPECT_THAT(start.out, HasSubstr("✓ stigmer is ready"));
  EXPECT_THAT(start.out, HasSubstr(absl::StrCat("127.0.0.1:", home.server_port())));
  EXPECT_LT(start.out.find("temporal ready"), start.out.find("stigmer-server ready"));
  EXPECT_LT(start.out.find("stigmer-server ready"), start.out.find("workflow-runner ready"));
  EXPECT_LT(start.out.find("workflow-runner ready"), start.out.find("agent-runner ready"));

  // Already running: said so, exit 0, still one supervisor.
  CommandResult again = home.Run({"server"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_THAT(again.out, HasSubstr("already running"));
  EXPECT_EQ(home.SupervisorProcesses().size(), 1u);

  // status --json: every component ready, PIDs matching the PID files.
  nlohmann::json status = home.StatusJson();
  ASSERT_TRUE(status.is_object());
  EXPECT_TRUE(status["daemon"]["running"].get<bool>());
  EXPECT_EQ(status["daemon"]["pid"].get<int>(), home.PidFromFile(home.paths().SupervisorPidFile()));
  ASSERT_EQ(status["components"].size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    const auto& component = status["components"][i];
    EXPECT_EQ(component["name"], kComponents[i]);
    EXPECT_EQ(component["state"], "ready");
    EXPECT_EQ(component["pid"].get<int>(), home.PidFromFile(home.paths().PidFile(kComponents[i])));
    EXPECT_EQ(component["restarts"].get<int>(), 0);
  }
  EXPECT_EQ(home.Run({"server", "status"}).exit_code, 0);

  // logs: a worker's own lines, and every component merged.
  CommandResult logs = home.Run({"server", "logs", "-c", "workflow-runner"});
  EXPECT_EQ(logs.exit_code, 0);
  EXPECT_THAT(logs.out, HasSubstr("polling task queue stigmer-workflows"));
  CommandResult all = home.Run({"server", "logs", "--all", "-n", "200"});
  EXPECT_THAT(all.out, HasSubstr("[workflow-runner] "));
  EXPECT_THAT(all.out, HasSubstr("[agent-runner] "));
  EXPECT_THAT(all.out, HasSubstr("[supervisor] "));

  // kill -9 of each component: it comes back ready with a new pid, and RESTARTS counts it.
  for (const char* name : kComponents) {
    const int old_pid = home.Component(name)["pid"].get<int>();
    ASSERT_GT(old_pid, 0);
    ASSERT_EQ(::kill(old_pid, SIGKILL), 0);
    EXPECT_TRUE(WaitFor(
        [&] {
          nlohmann::json component = home.Component(name);
          return component.is_object() && component["state"] == "ready" &&
                 component["pid"].get<int>() != old_pid && component["restarts"].get<int>() == 1;
        },
        absl::Seconds(60)))
        << name << " did not come back: " << home.Component(name).dump();
    EXPECT_THAT(home.Component(name)["last_exit"].get<std::string>(), HasSubstr("SIGKILL"));
  }

  // stop: every component reported, then nothing of ours is left.
  std::vector<int> pids = {home.PidFromFile(home.paths().SupervisorPidFile())};
  for (const char* name : kComponents) pids.push_back(home.PidFromFile(home.paths().PidFile(name)));
  CommandResult stop = home.Run({"server", "stop"});
  EXPECT_EQ(stop.exit_code, 0) << stop.err;
  for (const char* name : kComponents) {
    EXPECT_THAT(stop.out, HasSubstr(absl::StrCat("✓ ", name, " stopped")));
  }
  EXPECT_LT(stop.out.find("workflow-runner stopped"), stop.out.find("agent-runner stopped"));
  EXPECT_LT(stop.out.find("agent-runner stopped"), stop.out.find("temporal stopped"));
  EXPECT_LT(stop.out.find("temporal stopped"), stop.out.find("stigmer-server stopped"));
  for (int pid : pids) EXPECT_FALSE(ProcessAlive(pid)) << pid;
  for (const char* name : kComponents) {
    EXPECT_FALSE(std::filesystem::exists(home.paths().PidFile(name))) << name;
  }
  EXPECT_FALSE(std::filesystem::exists(home.paths().SupervisorPidFile()));
  EXPECT_FALSE(std::filesystem::exists(home.paths().SupervisorSocket()));

  // With the daemon down: status from state.json, exit 3; logs still readable; stop says so.
  CommandResult down = home.Run({"server", "status"});
  EXPECT_EQ(down.exit_code, 3);
  EXPECT_THAT(down.out, HasSubstr("not running"));
  EXPECT_THAT(home.Run({"server", "logs", "-c", "workflow-runner"}).out,
              HasSubstr("polling task queue"));
  CommandResult stop_again = home.Run({"server", "stop"});
  EXPECT_EQ(stop_again.exit_code, 0);
  EXPECT_THAT(stop_again.out, HasSubstr("not running"));
}

TEST(ServerLifecycle, FilesAndFoldersArePrivate) {
  StigmerHome home;
  ASSERT_EQ(home.Run({"server"}).exit_code, 0);
  struct stat info {};
  for (const auto& dir : {home.paths().DataDir(), home.paths().LogDir()}) {
    ASSERT_EQ(::stat(dir.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0700) << dir;
  }
  for (const auto& file :
       {home.paths().StateFile(), home.paths().SupervisorPidFile(),
        home.paths().PidFile("stigmer-server"), home.paths().StdoutLog("workflow-runner"),
        home.paths().StdoutLog("supervisor"), home.paths().ConfigFile()}) {
    ASSERT_EQ(::stat(file.c_str(), &info), 0) << file;
    EXPECT_EQ(info.st_mode & 0777, 0600) << file;
  }
  EXPECT_EQ(home.Run({"server", "stop"}).exit_code, 0);
}

TEST(ServerLifecycle, RestartOneComponentAndThenAll) {
  StigmerHome home;
  ASSERT_EQ(home.Run({"server"}).exit_code, 0);
  const int old_pid = home.Component("agent-runner")["pid"].get<int>();
  CommandResult restart = home.Run({"server", "restart", "-c", "agent-runner"});
  EXPECT_EQ(restart.exit_code, 0) << restart.err;
  EXPECT_THAT(restart.out, HasSubstr("✓ agent-runner restarted"));
  EXPECT_NE(home.Component("agent-runner")["pid"].get<int>(), old_pid);
  EXPECT_EQ(home.Component("agent-runner")["state"], "ready");

  CommandResult unknown = home.Run({"server", "restart", "-c", "nope"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("valid components: temporal, stigmer-server"));

  // A restart of all reads the configuration again: stigmer-server moves to the new port.
  const int new_port = FreePort();
  ASSERT_EQ(home.Run({"config", "set", "server.port", std::to_string(new_port)}).exit_code, 0);
  CommandResult all = home.Run({"server", "restart"});
  EXPECT_EQ(all.exit_code, 0) << all.err;
  for (const char* name : kComponents) {
    EXPECT_THAT(all.out, HasSubstr(absl::StrCat("✓ ", name, " restarted")));
  }
  EXPECT_EQ(home.Run({"server", "status"}).exit_code, 0);
  EXPECT_EQ(home.Component("stigmer-server")["endpoint"], absl::StrCat("127.0.0.1:", new_port));
  EXPECT_EQ(home.Run({"get", "workflows"}).exit_code, 0) << "the CLI cannot reach the new port";
}

}  // namespace
}  // namespace stigmer::testing

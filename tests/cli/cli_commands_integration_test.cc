// The real binary's commands that need no running stack: version, help, config, bad input.
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/stigmer_home.h"
#include "testing/test_env.h"

namespace stigmer::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(CliCommands, VersionAndHelp) {
  StigmerHome home;
  CommandResult version = home.Run({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.out, HasSubstr("stigmer 0.1.0"));
  CommandResult help = home.Run({"server", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* command : {"start", "status", "logs", "stop", "restart"}) {
    EXPECT_THAT(help.out, HasSubstr(command));
  }
  EXPECT_THAT(home.Run({"--help"}).out, Not(HasSubstr("internal")));
}

TEST(CliCommands, UnknownCommandsAndFlagsExitTwo) {
  StigmerHome home;
  CommandResult unknown = home.Run({"serve"});
  EXPECT_EQ(unknown.exit_code, 2);
  CommandResult bad_flag = home.Run({"server", "status", "--jsn"});
  EXPECT_EQ(bad_flag.exit_code, 2);
  EXPECT_THAT(bad_flag.err, HasSubstr("--jsn"));
}

TEST(CliCommands, ConfigSetGetListAndPath) {
  StigmerHome home;
  EXPECT_EQ(home.Run({"config", "path"}).out, home.paths().ConfigFile().string() + "\n");
  CommandResult set = home.Run({"config", "set", "logs.max_files", "7"});
  EXPECT_EQ(set.exit_code, 0) << set.err;
  EXPECT_THAT(set.out, HasSubstr("✓ logs.max_files = 7"));
  EXPECT_EQ(home.Run({"config", "get", "logs.max_files"}).out, "7\n");
  CommandResult list = home.Run({"config", "list"});
  EXPECT_THAT(list.out, HasSubstr("logs.max_files"));
  EXPECT_THAT(list.out, HasSubstr("config.yaml"));
  EXPECT_THAT(list.out, HasSubstr("environment STIGMER_TEMPORAL_BIN"));
  // -q works after the subcommand too.
  CommandResult quiet = home.Run({"config", "set", "logs.max_files", "8", "-q"});
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.out, "");
}

TEST(CliCommands, ConfigSetOnABrokenConfigFileChangesNothingUnlessItFixesIt) {
  StigmerHome home;
  const std::string broken = "server:\n  port: nine\n";
  ASSERT_TRUE(WriteFileAtomically(home.paths().ConfigFile(), broken).ok());
  CommandResult set = home.Run({"config", "set", "logs.max_files", "7"});
  EXPECT_EQ(set.exit_code, 2);
  EXPECT_THAT(set.err, HasSubstr("server.port"));
  EXPECT_THAT(set.err, HasSubstr("fix config.yaml first (nothing was changed)"));
  EXPECT_EQ(*ReadFileToString(home.paths().ConfigFile()), broken);

  CommandResult fix = home.Run({"config", "set", "server.port", "7300"});
  EXPECT_EQ(fix.exit_code, 0) << fix.err;
  EXPECT_EQ(home.Run({"config", "get", "server.port"}).out, "7300\n");
}

// Found by cli_input_fuzzer: `[a, b]: 1` in config.yaml aborted every command that reads it.
TEST(CliCommands, ConfigKeyThatIsAListIsAnErrorNotACrash) {
  StigmerHome home;
  ASSERT_TRUE(WriteFileAtomically(home.paths().ConfigFile(), "[a, b]: 1\n").ok());
  for (std::vector<std::string> command : {std::vector<std::string>{"config", "list"},
                                           {"config", "set", "server.port", "7300"},
                                           {"get", "workflows"}}) {
    CommandResult result = home.Run(command);
    EXPECT_EQ(result.exit_code, command[0] == "get" ? 1 : 2) << command[1] << result.err;
    EXPECT_THAT(result.err, HasSubstr("config.yaml:1: expected a section name such as `server:`"))
        << command[1];
  }
}

TEST(CliCommands, StopTimeoutOfZeroSaysWhatItTakes) {
  StigmerHome home;
  CommandResult stop = home.Run({"server", "stop", "--timeout", "0"});
  EXPECT_EQ(stop.exit_code, 2);
  EXPECT_THAT(stop.err, HasSubstr("--timeout takes seconds from more than 0 to 86400, not \"0\""));
  EXPECT_THAT(stop.err, Not(HasSubstr("1797693")));
}

TEST(CliCommands, ConfigSetWarnsWhenTheEnvironmentOverridesIt) {
  StigmerHome home;
  home.env()["GRPC_PORT"] = "9999";
  CommandResult set = home.Run({"config", "set", "server.port", "9100"});
  EXPECT_EQ(set.exit_code, 0);
  EXPECT_THAT(set.err, HasSubstr("⚠ GRPC_PORT is set in your environment and overrides it"));
}

TEST(CliCommands, ConfigErrorsNameTheProblem) {
  StigmerHome home;
  CommandResult unknown = home.Run({"config", "get", "server.prot"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err,
              HasSubstr("unknown key \"server.prot\"; `stigmer config list` shows the keys"));
  CommandResult bad = home.Run({"config", "set", "server.port", "http"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("server.port: expected a port from 1 to 65535, got \"http\""));
  ASSERT_TRUE(WriteFileAtomically(home.paths().ConfigFile(), "server: [\n").ok());
  CommandResult broken = home.Run({"config", "list"});
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_THAT(broken.err, HasSubstr("not valid YAML"));
}

TEST(CliCommands, ServerDatabaseIsCheckedAndItsPasswordIsNeverShown) {
  StigmerHome home;
  const std::string url = "postgres://stigmer:hunter2-secret@db.internal:5432/stigmer";
  CommandResult set = home.Run({"config", "set", "server.database", url});
  EXPECT_EQ(set.exit_code, 0) << set.err;
  EXPECT_THAT(set.out,
              HasSubstr("✓ server.database = postgres://stigmer:***@db.internal:5432/stigmer"));
  CommandResult get = home.Run({"config", "get", "server.database"});
  EXPECT_EQ(get.out, "postgres://stigmer:***@db.internal:5432/stigmer\n");
  CommandResult list = home.Run({"config", "list"});
  EXPECT_THAT(list.out, HasSubstr("postgres://stigmer:***@db.internal"));
  for (const CommandResult* shown : {&set, &get, &list}) {
    EXPECT_THAT(shown->out + shown->err, Not(HasSubstr("hunter2"))) << shown->out;
  }
  CommandResult bad =
      home.Run({"config", "set", "server.database", "postgres://u:hunter2-secret@db:54x2/s"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("server.database: \"postgres://u:***@db:54x2/s\" has a port"));
  EXPECT_THAT(bad.err, Not(HasSubstr("hunter2")));
  CommandResult still = home.Run({"config", "get", "server.database"});
  EXPECT_THAT(still.out, HasSubstr("db.internal"));  // the bad value was not written
}

// stigmer-server on a PostgreSQL nobody runs: it exits 1 saying where and what to do (the
// supervisor shows these lines), and the password stays out of its output.
TEST(CliCommands, StigmerServerOnAnUnreachableDatabaseExitsOneNamingIt) {
  StigmerHome home;
  const int db_port = FreePort();
  home.env()["STIGMER_DATABASE_URL"] =
      absl::StrCat("postgres://stigmer:hunter2-secret@127.0.0.1:", db_port, "/stigmer");
  home.env()["GRPC_PORT"] = absl::StrCat(FreePort());
  home.env()["STIGMER_EVENTS_PORT"] = "0";
  home.env()["TEMPORAL_SERVICE_ADDRESS"] = absl::StrCat("127.0.0.1:", FreePort());
  CommandResult server = home.Run({"internal", "stigmer-server"});
  EXPECT_EQ(server.exit_code, 1) << server.out << server.err;
  const std::string said = server.out + server.err;
  EXPECT_THAT(
      said, HasSubstr(absl::StrCat("cannot reach the store's PostgreSQL at 127.0.0.1:", db_port)));
  EXPECT_THAT(said, HasSubstr("start PostgreSQL there"));
  EXPECT_THAT(said, Not(HasSubstr("hunter2")));
}

TEST(CliCommands, LogsOfAnUnknownComponentListTheValidOnes) {
  StigmerHome home;
  CommandResult logs = home.Run({"server", "logs", "-c", "nope"});
  EXPECT_EQ(logs.exit_code, 2);
  EXPECT_THAT(logs.err, HasSubstr("valid components: stigmer-server, workflow-runner, "
                                  "agent-runner, temporal, llm, supervisor"));
  CommandResult none = home.Run({"server", "logs"});
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_THAT(none.err, HasSubstr("no logs yet for stigmer-server"));
  CommandResult since = home.Run({"server", "logs", "--since", "yesterday"});
  EXPECT_EQ(since.exit_code, 2);
  EXPECT_THAT(since.err, HasSubstr("yesterday"));
}

TEST(CliCommands, StatusAndStopWithNothingRunning) {
  StigmerHome home;
  CommandResult status = home.Run({"server", "status"});
  EXPECT_EQ(status.exit_code, 3);
  EXPECT_THAT(status.out, HasSubstr("the stigmer daemon is not running"));
  EXPECT_THAT(status.out, HasSubstr("workflow-runner  stopped"));
  CommandResult json = home.Run({"server", "status", "--json"});
  EXPECT_EQ(json.exit_code, 3);
  EXPECT_THAT(json.out, HasSubstr("\"running\": false"));
  CommandResult stop = home.Run({"server", "stop"});
  EXPECT_EQ(stop.exit_code, 0);
  EXPECT_THAT(stop.out, HasSubstr("stigmer is not running"));
}

// Another account's home used to read "not running"; it is a permission problem.
TEST(CliCommands, StatusAndStopOnAnotherUsersHomeSayPermissionDenied) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run the CLI as another account";
  StigmerHome home;
  ASSERT_TRUE(MakeDirectories(home.paths().DataDir()).ok());
  for (const char* command : {"status", "stop"}) {
    std::vector<std::string> argv = {
        "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
        StigmerBinary(),    "server",        command};
    CommandResult result = RunCommand(argv, home.env());
    EXPECT_EQ(result.exit_code, 1) << command;
    EXPECT_THAT(result.err,
                HasSubstr(absl::StrCat("permission denied: STIGMER_HOME ",
                                       home.paths().home().string(), " belongs to another user")))
        << command;
    EXPECT_THAT(result.out, Not(HasSubstr("not running"))) << command;
  }
}

// `run` reads and checks its input before it talks to any server: a file nested 100,000 deep
// used to crash the CLI itself.
TEST(CliCommands, RunWithInputNested100000DeepIsRefusedNotACrash) {
  StigmerHome home;
  TempDir dir;
  const std::filesystem::path deep = dir.path() / "deep.json";
  ASSERT_TRUE(WriteFileAtomically(deep, std::string(100000, '[') + std::string(100000, ']')).ok());
  CommandResult run = home.Run({"run", "hello", "--input", "@" + deep.string()});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_THAT(run.err, HasSubstr("--input is nested deeper than 256 levels (the limit) at line 1, "
                                 "column 257; flatten it"));
  CommandResult broken = home.Run({"run", "hello", "--input", "{\"name\": }"});
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_THAT(broken.err, HasSubstr("--input is not valid JSON: parse error at line 1"));
}

}  // namespace
}  // namespace stigmer::testing

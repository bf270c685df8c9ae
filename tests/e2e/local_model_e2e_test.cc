// `stigmer server` with llm.provider `local`: the fifth component, the real local model.
#include <signal.h>

#include "absl/strings/str_cat.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/stigmer_home.h"

namespace stigmer::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const char* const kComponents[] = {"temporal", "stigmer-server", "workflow-runner", "agent-runner",
                                   "llm"};

TEST(LocalModel, StartsLastShowsInStatusAndLogsAndStopsFirst) {
  StigmerHome home;
  home.UseLocalModel();
  CommandResult start = home.Run({"server"});
  ASSERT_EQ(start.exit_code, 0) << start.out << start.err;
  EXPECT_THAT(start.out, HasSubstr("✓ llm ready"));
  EXPECT_LT(start.out.find("agent-runner ready"), start.out.find("llm ready"));
  const std::string base_url = absl::StrCat("http://127.0.0.1:", home.llm_port(), "/v1");
  EXPECT_THAT(start.out,
              HasSubstr(absl::StrCat("Local model     ", base_url, " (SmolLM2-135M-Instruct)")));

  nlohmann::json status = home.StatusJson();
  ASSERT_TRUE(status.is_object());
  ASSERT_EQ(status["components"].size(), 5u) << status.dump();
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(status["components"][i]["name"], kComponents[i]);
    EXPECT_EQ(status["components"][i]["state"], "ready") << status.dump();
  }
  EXPECT_EQ(status["components"][4]["endpoint"], base_url);
  EXPECT_EQ(status["components"][4]["pid"].get<int>(),
            home.PidFromFile(home.paths().PidFile("llm")));
  CommandResult table = home.Run({"server", "status"});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_THAT(table.out, HasSubstr(base_url));

  CommandResult logs = home.Run({"server", "logs", "-c", "llm"});
  EXPECT_EQ(logs.exit_code, 0);
  EXPECT_THAT(logs.out, HasSubstr(absl::StrCat("llm: serving SmolLM2-135M-Instruct on ",
                                               "http://127.0.0.1:", home.llm_port(), "/v1")));

  // agent-runner is told where the model is (it does not use it yet).
  const pid_t agents = home.PidFromFile(home.paths().PidFile("agent-runner"));
  absl::StatusOr<std::string> environ =
      ReadFileToString(absl::StrCat("/proc/", agents, "/environ"));
  ASSERT_TRUE(environ.ok());
  EXPECT_THAT(*environ, HasSubstr(absl::StrCat("STIGMER_LLM_BASE_URL=", base_url)));
  EXPECT_THAT(*environ, HasSubstr("STIGMER_LLM_PROVIDER=local"));
  EXPECT_THAT(*environ, HasSubstr("STIGMER_LLM_MODEL=SmolLM2-135M-Instruct"));

  // Killed, it comes back like any component.
  const int old_pid = status["components"][4]["pid"].get<int>();
  ASSERT_EQ(::kill(old_pid, SIGKILL), 0);
  EXPECT_TRUE(WaitFor(
      [&] {
        nlohmann::json llm = home.Component("llm");
        return llm.is_object() && llm["state"] == "ready" && llm["pid"].get<int>() != old_pid;
      },
      absl::Seconds(60)))
      << home.Component("llm").dump();

  const pid_t llm_pid = home.PidFromFile(home.paths().PidFile("llm"));
  CommandResult stop = home.Run({"server", "stop"});
  EXPECT_EQ(stop.exit_code, 0) << stop.err;
  EXPECT_THAT(stop.out, HasSubstr("✓ llm stopped"));
  EXPECT_LT(stop.out.find("llm stopped"), stop.out.find("workflow-runner stopped"));
  EXPECT_FALSE(ProcessAlive(llm_pid));
  EXPECT_FALSE(std::filesystem::exists(home.paths().PidFile("llm")));

  // With the daemon down, status still lists it, from state.json.
  CommandResult down = home.Run({"server", "status", "--json"});
  EXPECT_EQ(down.exit_code, 3);
  EXPECT_THAT(down.out, HasSubstr("\"llm\""));
}

TEST(LocalModel, OtherProvidersRunNoLlm) {
  StigmerHome home;  // STIGMER_LLM_PROVIDER=openai
  ASSERT_EQ(home.Run({"server"}).exit_code, 0);
  nlohmann::json status = home.StatusJson();
  EXPECT_EQ(status["components"].size(), 4u) << status.dump();
  EXPECT_FALSE(home.Component("llm").is_object());
  EXPECT_FALSE(std::filesystem::exists(home.paths().PidFile("llm")));
  CommandResult restart = home.Run({"server", "restart", "-c", "llm"});
  EXPECT_EQ(restart.exit_code, 2);
  EXPECT_THAT(restart.err,
              HasSubstr("stigmer does not run llm now: it runs only when llm.provider is local"));
  EXPECT_EQ(home.Run({"server", "stop"}).exit_code, 0);
  CommandResult down = home.Run({"server", "status", "--json"});
  EXPECT_THAT(down.out, Not(HasSubstr("\"llm\"")));
}

TEST(LocalModel, RestartAfterSwitchingProviderDropsTheLlmFromStatus) {
  StigmerHome home;
  home.env()["STIGMER_LLM_PROVIDER"] = "";  // config.yaml decides: local by default
  ASSERT_EQ(home.Run({"server"}).exit_code, 0);
  EXPECT_EQ(home.StatusJson()["components"].size(), 5u);

  ASSERT_EQ(home.Run({"config", "set", "llm.provider", "ollama"}).exit_code, 0);
  CommandResult restart = home.Run({"server", "restart"});
  EXPECT_EQ(restart.exit_code, 0) << restart.out << restart.err;
  EXPECT_THAT(restart.out, HasSubstr("llm stopped: the configuration read again does not run it"));
  EXPECT_THAT(restart.out, HasSubstr("✓ agent-runner restarted"));
  nlohmann::json status = home.StatusJson();
  EXPECT_EQ(status["components"].size(), 4u) << status.dump();
  EXPECT_FALSE(home.Component("llm").is_object());
  CommandResult table = home.Run({"server", "status"});
  EXPECT_EQ(table.exit_code, 0) << table.out;

  // And back: the restart waits for the llm it adds.
  ASSERT_EQ(home.Run({"config", "set", "llm.provider", "local"}).exit_code, 0);
  CommandResult again = home.Run({"server", "restart"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_THAT(again.out, HasSubstr("✓ llm restarted"));
  EXPECT_EQ(home.Component("llm")["state"], "ready");
  EXPECT_EQ(home.Run({"server", "stop"}).exit_code, 0);
}

TEST(LocalModel, MissingModelFileFailsTheStartNamingItAndMakeSetup) {
  StigmerHome home;
  home.UseLocalModel();
  home.env()["STIGMER_LLM_MODEL_FILE"] = "/nonexistent/SmolLM2.gguf";
  CommandResult start = home.Run({"server"});
  EXPECT_EQ(start.exit_code, 1);
  EXPECT_THAT(start.err, HasSubstr("the local model's file is not at /nonexistent/SmolLM2.gguf "
                                   "(set by STIGMER_LLM_MODEL_FILE)"));
  EXPECT_THAT(start.err, HasSubstr("Run `make setup`"));
  EXPECT_THAT(start.err, HasSubstr("llm.provider openai, anthropic or ollama"));
  EXPECT_TRUE(WaitFor([&] { return home.SupervisorProcesses().empty(); }, absl::Seconds(10)));
  for (const char* name : kComponents) {
    EXPECT_FALSE(std::filesystem::exists(home.paths().PidFile(name))) << name;
  }
}

TEST(LocalModel, APythonWithoutXllamacppFailsTheStartSayingSoAndStopsTheRest) {
  StigmerHome home;
  home.UseLocalModel();
  home.env()["STIGMER_LLM_PYTHON"] = "/usr/bin/python3";  // Debian's: no xllamacpp
  CommandResult start = home.Run({"server"});
  EXPECT_EQ(start.exit_code, 1);
  EXPECT_THAT(start.err, HasSubstr("component \"llm\" failed to start"));
  EXPECT_THAT(start.err, HasSubstr("llm: /usr/bin/python3 cannot load xllamacpp (No module named "
                                   "'xllamacpp'); run `make setup` in the stigmer source tree"));
  EXPECT_TRUE(WaitFor([&] { return home.SupervisorProcesses().empty(); }, absl::Seconds(30)));
  for (const char* name : kComponents) {
    EXPECT_FALSE(std::filesystem::exists(home.paths().PidFile(name))) << name;
  }
}

}  // namespace
}  // namespace stigmer::testing

// The `llm` component as the daemon runs it: the real xllamacpp server on the real SmolLM2 model
// (installed by scripts/setup.sh), under the real supervisor, on a free port.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "activities/http_transfer.h"
#include "common/file_io.h"
#include "common/process_spawn.h"
#include "daemon/component_profile.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "supervisor/http_ok_probe.h"
#include "supervisor/supervisor_test_support.h"
#include "testing/test_env.h"

namespace stigmer::daemon {
namespace {

using supervisor::ComponentSpec;
using supervisor::ComponentState;
using supervisor::testing::LiveGroupMembers;
using supervisor::testing::RunningSupervisor;
using ::testing::Contains;
using ::testing::HasSubstr;
using testing::WaitFor;

class LlmComponentTest : public ::testing::Test {
 protected:
  // The llm component's spec as BuildStackProfile makes it, on a free port.
  ComponentSpec LlmSpec() {
    EXPECT_TRUE(MakeDirectories(paths_.LogDir()).ok());
    EXPECT_TRUE(
        WriteFileAtomically(paths_.ConfigFile(), absl::StrCat("llm:\n  port: ", port_, "\n")).ok());
    absl::StatusOr<config::Config> config = config::LoadConfig(
        paths_, testing::FakeEnvironment(
                    {{"STIGMER_LLM_PROVIDER", "local"}, {"STIGMER_TEMPORAL_BIN", "/bin/true"}}));
    EXPECT_TRUE(config.ok()) << config.status();
    absl::StatusOr<StackProfile> profile =
        BuildStackProfile(*config, "/usr/bin/stigmer", {"PATH=/usr/bin:/bin"});
    EXPECT_TRUE(profile.ok()) << profile.status() << " (run `make setup`)";
    if (!profile.ok()) return {};
    return profile->components.back();
  }

  absl::StatusOr<activities::HttpTransferResponse> Http(const std::string& method,
                                                        const std::string& path,
                                                        std::optional<std::string> body = {}) {
    activities::HttpTransferRequest request;
    request.method = method;
    request.url = absl::StrCat("http://127.0.0.1:", port_, path);
    if (body) request.headers = {{"Content-Type", "application/json"}};
    request.body = std::move(body);
    request.timeout = absl::Seconds(60);
    return activities::PerformHttpTransfer(request, [] { return true; });
  }

  std::string LogText() { return ReadFileToString(paths_.StdoutLog("llm")).value_or(""); }

  testing::TempDir dir_;
  config::Paths paths_{dir_.path()};
  int port_ = testing::FreePort();
};

TEST_F(LlmComponentTest, AnswersInTheJsonSchemaAskedForAtTemperatureZero) {
  ComponentSpec spec = LlmSpec();
  ASSERT_FALSE(spec.argv.empty());
  RunningSupervisor running({spec});
  ASSERT_TRUE(WaitFor([&] { return running.all_ready(); }, absl::Seconds(60))) << LogText();

  absl::StatusOr<activities::HttpTransferResponse> health = Http("GET", "/health");
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(health->status, 200);

  absl::StatusOr<activities::HttpTransferResponse> models = Http("GET", "/v1/models");
  ASSERT_TRUE(models.ok()) << models.status();
  EXPECT_THAT(models->body, HasSubstr("\"SmolLM2-135M-Instruct\""));

  const nlohmann::json schema = {
      {"type", "object"},
      {"properties",
       {{"city", {{"type", "string"}}}, {"population_millions", {{"type", "number"}}}}},
      {"required", {"city", "population_millions"}},
      {"additionalProperties", false}};
  const nlohmann::json request = {
      {"model", "SmolLM2-135M-Instruct"},
      {"messages",
       {{{"role", "user"}, {"content", "What is the capital of France? Answer in JSON."}}}},
      {"temperature", 0},
      {"max_tokens", 80},
      {"response_format",
       {{"type", "json_schema"}, {"json_schema", {{"name", "capital"}, {"schema", schema}}}}}};
  std::string first_answer;
  for (int attempt = 0; attempt < 2; ++attempt) {
    absl::StatusOr<activities::HttpTransferResponse> answer =
        Http("POST", "/v1/chat/completions", request.dump());
    ASSERT_TRUE(answer.ok()) << answer.status();
    ASSERT_EQ(answer->status, 200) << answer->body;
    const nlohmann::json reply = nlohmann::json::parse(answer->body);
    const std::string content = reply["choices"][0]["message"]["content"].get<std::string>();
    const nlohmann::json object = nlohmann::json::parse(content, nullptr, false);
    ASSERT_TRUE(object.is_object()) << content;
    EXPECT_EQ(object.size(), 2u) << content;
    EXPECT_TRUE(object["city"].is_string()) << content;
    EXPECT_TRUE(object["population_millions"].is_number()) << content;
    if (attempt == 0) first_answer = content;
    EXPECT_EQ(content, first_answer) << "temperature 0 gives the same text";
  }

  // SIGTERM (the supervisor's stop) ends it at once and cleanly: no SIGKILL after the timeout.
  const pid_t pid = running.Status("llm").pid;
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(running.Stop(absl::Seconds(20)).has_value());
  EXPECT_EQ(running.Status("llm").state, ComponentState::kStopped);
  EXPECT_EQ(running.Status("llm").last_exit, "exited with code 0");
  EXPECT_TRUE(LiveGroupMembers(pid).empty());
  EXPECT_THAT(LogText(), HasSubstr("llm: serving SmolLM2-135M-Instruct on http://127.0.0.1:"));
  EXPECT_THAT(LogText(), HasSubstr("llm: stopping"));
}

TEST_F(LlmComponentTest, ExitsCleanlyWhenTheThreadThatStartedItDies) {
  ComponentSpec spec = LlmSpec();
  ASSERT_FALSE(spec.argv.empty());
  UniqueFd log(::open(paths_.StdoutLog("llm").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
  ASSERT_TRUE(log.valid());
  absl::StatusOr<pid_t> pid = absl::UnknownError("not started");
  std::thread parent([&] {
    SpawnPlan plan;
    plan.argv = spec.argv;
    plan.env = spec.env;
    plan.stdio[1] = plan.stdio[2] = log.get();
    pid = SpawnProcess(plan);
    if (!pid.ok()) return;
    (void)WaitFor(
        [&] {
          absl::StatusOr<int> code = supervisor::HttpGetStatus(absl::StrCat("127.0.0.1:", port_),
                                                               "/health", absl::Seconds(1));
          return code.ok() && *code == 200;
        },
        absl::Seconds(60));
  });
  parent.join();  // its death is the launcher's parent's death (PR_SET_PDEATHSIG)
  ASSERT_TRUE(pid.ok()) << pid.status();
  int status = 0;
  ASSERT_TRUE(WaitFor([&] { return ::waitpid(*pid, &status, WNOHANG) == *pid; }, absl::Seconds(20)))
      << LogText();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "not a clean exit but status " << status << "\n"
      << LogText();
  EXPECT_TRUE(LiveGroupMembers(*pid).empty());
}

}  // namespace
}  // namespace stigmer::daemon

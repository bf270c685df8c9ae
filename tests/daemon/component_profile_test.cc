#include "daemon/component_profile.h"

#include "absl/strings/str_cat.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace stigmer::daemon {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

config::Config TestConfig(const config::Paths& paths, std::map<std::string, std::string> env) {
  env.emplace("STIGMER_TEMPORAL_BIN", "/bin/true");
  env.emplace("STIGMER_LLM_PROVIDER", "openai");  // no llm component unless a test wants it
  absl::StatusOr<config::Config> config = config::LoadConfig(paths, testing::FakeEnvironment(env));
  EXPECT_TRUE(config.ok()) << config.status();
  return *config;
}

TEST(ComponentProfileTest, FourComponentsInStartOrderAndTheSeedsStopOrder) {
  testing::TempDir dir;
  config::Paths paths(dir.path());
  absl::StatusOr<StackProfile> profile =
      BuildStackProfile(TestConfig(paths, {}), "/usr/bin/stigmer", {"PATH=/bin"});
  ASSERT_TRUE(profile.ok()) << profile.status();
  std::vector<std::string> names;
  for (const auto& spec : profile->components) names.push_back(spec.name);
  EXPECT_THAT(names, ElementsAre("temporal", "stigmer-server", "workflow-runner", "agent-runner"));
  EXPECT_THAT(profile->stop_order,
              ElementsAre("workflow-runner", "agent-runner", "temporal", "stigmer-server"));
}

TEST(ComponentProfileTest, TemporalIsTheDevServerOnTheConfiguredPortsWithItsDatabase) {
  testing::TempDir dir;
  config::Paths paths(dir.path());
  absl::StatusOr<StackProfile> profile =
      BuildStackProfile(TestConfig(paths, {}), "/usr/bin/stigmer", {});
  ASSERT_TRUE(profile.ok()) << profile.status();
  const auto& temporal = profile->components[0];
  EXPECT_THAT(temporal.argv,
              ElementsAre("/bin/true", "server", "start-dev", "--ip", "127.0.0.1", "--port", "7233",
                          "--ui-port", "8233", "--db-filename", paths.TemporalDatabase().string(),
                          "--ui-disable-news-fetch"));
  EXPECT_THAT(temporal.ports, ElementsAre(7233, 8233));
  EXPECT_EQ(temporal.readiness.kind, supervisor::ReadinessCheck::Kind::kGrpcHealth);
  EXPECT_EQ(temporal.readiness.grpc_service, "temporal.api.workflowservice.v1.WorkflowService");
  EXPECT_EQ(temporal.start_timeout, absl::Seconds(60));
  EXPECT_EQ(temporal.stop_timeout, absl::Seconds(10));
  EXPECT_EQ(temporal.stdout_log, paths.LogDir() / "temporal.log");
  EXPECT_EQ(temporal.stderr_log, paths.LogDir() / "temporal.log");
  EXPECT_EQ(temporal.pid_file, paths.DataDir() / "temporal.pid");
}

TEST(ComponentProfileTest, StigmerServerAndWorkersGetTheSeedsEnvironment) {
  testing::TempDir dir;
  config::Paths paths(dir.path());
  absl::StatusOr<StackProfile> profile =
      BuildStackProfile(TestConfig(paths, {{"GRPC_PORT", "9234"}, {"STIGMER_EVENTS_PORT", "9236"}}),
                        "/usr/bin/stigmer",
                        {"PATH=/bin", "NOTIFY_SOCKET=/run/systemd/notify", "EXECUTION_MODE=local"});
  ASSERT_TRUE(profile.ok());
  const auto& server = profile->components[1];
  EXPECT_THAT(server.argv, ElementsAre("/usr/bin/stigmer", "internal", "stigmer-server"));
  EXPECT_THAT(server.env, Contains("GRPC_PORT=9234"));
  EXPECT_THAT(server.env, Contains("TEMPORAL_SERVICE_ADDRESS=127.0.0.1:7233"));
  EXPECT_THAT(server.env, Contains("PATH=/bin"));
  EXPECT_THAT(server.env, Not(Contains("NOTIFY_SOCKET=/run/systemd/notify")));
  EXPECT_THAT(server.env, Contains("STIGMER_EVENTS_PORT=9236"));
  EXPECT_THAT(server.ports, ElementsAre(9234, 9236));
  EXPECT_EQ(server.readiness.grpc_target, "127.0.0.1:9234");
  EXPECT_EQ(server.stdout_log, paths.LogDir() / "daemon.log");
  EXPECT_EQ(server.stderr_log, paths.LogDir() / "daemon.err");
  EXPECT_EQ(server.pid_file, paths.DataDir() / "daemon.pid");
  EXPECT_EQ(profile->endpoints.at("stigmer-server"), "127.0.0.1:9234");

  const auto& runner = profile->components[2];
  EXPECT_THAT(runner.argv, ElementsAre("/usr/bin/stigmer", "internal", "workflow-runner"));
  EXPECT_THAT(runner.env, Contains("EXECUTION_MODE=temporal"));
  EXPECT_THAT(runner.env, Not(Contains("EXECUTION_MODE=local")));
  EXPECT_THAT(runner.env, Contains("STIGMER_BACKEND_ENDPOINT=127.0.0.1:9234"));
  EXPECT_EQ(runner.readiness.kind, supervisor::ReadinessCheck::Kind::kNotifyFd);
  EXPECT_EQ(runner.stop_timeout, absl::Seconds(5));
  EXPECT_EQ(profile->components[3].stop_timeout, absl::Seconds(5));
}

TEST(ComponentProfileTest, CustomWorkerProgramsReplaceTheBuiltInOnes) {
  testing::TempDir dir;
  config::Paths paths(dir.path());
  absl::StatusOr<StackProfile> profile =
      BuildStackProfile(TestConfig(paths, {{"STIGMER_WORKFLOW_RUNNER_BIN", "/opt/runner"},
                                           {"STIGMER_AGENT_RUNNER_SCRIPT", "/opt/agent.py"}}),
                        "/usr/bin/stigmer", {});
  ASSERT_TRUE(profile.ok());
  EXPECT_THAT(profile->components[2].argv, ElementsAre("/opt/runner"));
  EXPECT_THAT(profile->components[3].argv, ElementsAre("/opt/agent.py"));
}

TEST(ComponentProfileTest, OurWorkersHeartbeatCustomProgramsNeedNot) {
  testing::TempDir dir;
  config::Paths paths(dir.path());
  absl::StatusOr<StackProfile> profile =
      BuildStackProfile(TestConfig(paths, {{"STIGMER_AGENT_RUNNER_SCRIPT", "/opt/agents"}}),
                        "/usr/bin/stigmer", {"STIGMER_WORKER_HEARTBEAT_MS=750"});
  ASSERT_TRUE(profile.ok()) << profile.status();
  EXPECT_EQ(profile->components[2].readiness.watchdog_interval, absl::Milliseconds(750));
  EXPECT_EQ(profile->components[2].readiness.watchdog_missed, 3);
  EXPECT_EQ(profile->components[3].readiness.watchdog_interval, absl::ZeroDuration());
  for (size_t i : {0, 1}) {
    EXPECT_EQ(profile->components[i].readiness.watchdog_interval, absl::ZeroDuration());
  }

  absl::StatusOr<StackProfile> defaults =
      BuildStackProfile(TestConfig(paths, {}), "/usr/bin/stigmer", {});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->components[2].readiness.watchdog_interval, absl::Seconds(5));

  absl::StatusOr<StackProfile> refused = BuildStackProfile(
      TestConfig(paths, {}), "/usr/bin/stigmer", {"STIGMER_WORKER_HEARTBEAT_MS=often"});
  EXPECT_EQ(refused.status().message(),
            "STIGMER_WORKER_HEARTBEAT_MS must be a number from 100 to 600000, not \"often\"");
}

TEST(ComponentProfileTest, AnExternalTemporalIsOnlyChecked) {
  testing::TempDir dir;
  config::Paths paths(dir.path());
  absl::StatusOr<StackProfile> profile =
      BuildStackProfile(TestConfig(paths, {{"TEMPORAL_SERVICE_ADDRESS", "temporal.internal:7233"},
                                           {"STIGMER_TEMPORAL_BIN", "/nonexistent/temporal"}}),
                        "/usr/bin/stigmer", {});
  ASSERT_TRUE(profile.ok()) << profile.status();
  const auto& temporal = profile->components[0];
  EXPECT_TRUE(temporal.external);
  EXPECT_EQ(temporal.readiness.grpc_target, "temporal.internal:7233");
  EXPECT_TRUE(temporal.ports.empty());
  EXPECT_THAT(profile->components[2].env,
              Contains("TEMPORAL_SERVICE_ADDRESS=temporal.internal:7233"));
}

TEST(ComponentProfileTest, NoTemporalCliMeansNothingToStart) {
  testing::TempDir dir;
  config::Paths paths(dir.path());
  absl::StatusOr<StackProfile> profile =
      BuildStackProfile(TestConfig(paths, {{"STIGMER_TEMPORAL_BIN", "/nonexistent/temporal"}}),
                        "/usr/bin/stigmer", {});
  ASSERT_FALSE(profile.ok());
  EXPECT_THAT(profile.status().message(), HasSubstr("/nonexistent/temporal"));
}

// A config whose provider is `local`, with a model file in `dir` and /bin/sh as its Python.
config::Config LocalModelConfig(const testing::TempDir& dir,
                                std::map<std::string, std::string> env = {}) {
  const std::filesystem::path model = dir.path() / "model.gguf";
  EXPECT_TRUE(WriteFileAtomically(model, "GGUF").ok());
  env.emplace("STIGMER_LLM_PROVIDER", "local");
  env.emplace("STIGMER_LLM_PYTHON", "/bin/sh");
  env.emplace("STIGMER_LLM_MODEL_FILE", model.string());
  return TestConfig(config::Paths(dir.path() / "home"), env);
}

std::vector<std::string> Names(const StackProfile& profile) {
  std::vector<std::string> names;
  for (const auto& spec : profile.components) names.push_back(spec.name);
  return names;
}

TEST(ComponentProfileTest, LocalModelStartsAfterAgentRunnerAndStopsFirst) {
  testing::TempDir dir;
  absl::StatusOr<StackProfile> profile =
      BuildStackProfile(LocalModelConfig(dir), "/usr/bin/stigmer", {"PATH=/bin"});
  ASSERT_TRUE(profile.ok()) << profile.status();
  EXPECT_THAT(Names(*profile),
              ElementsAre("temporal", "stigmer-server", "workflow-runner", "agent-runner", "llm"));
  EXPECT_THAT(profile->stop_order,
              ElementsAre("llm", "workflow-runner", "agent-runner", "temporal", "stigmer-server"));
  EXPECT_EQ(profile->endpoints.at("llm"), "http://127.0.0.1:7235/v1");
}

TEST(ComponentProfileTest, LocalModelIsLlamaCppsServerReadyOnHealth) {
  testing::TempDir dir;
  const config::Paths paths(dir.path() / "home");
  absl::StatusOr<StackProfile> profile =
      BuildStackProfile(LocalModelConfig(dir, {{"STIGMER_LLM_MODEL", "smol"}}), "/usr/bin/stigmer",
                        {"PATH=/bin", "NOTIFY_SOCKET=/run/notify"});
  ASSERT_TRUE(profile.ok()) << profile.status();
  const supervisor::ComponentSpec& llm = profile->components.back();
  ASSERT_EQ(llm.argv.size(), 15u);
  EXPECT_EQ(llm.argv[0], "/bin/sh");
  EXPECT_EQ(llm.argv[1], "-c");
  EXPECT_THAT(llm.argv[2], HasSubstr("import xllamacpp"));
  EXPECT_THAT(
      std::vector<std::string>(llm.argv.begin() + 3, llm.argv.end()),
      ElementsAre("--model", (dir.path() / "model.gguf").string(), "--alias", "smol", "--host",
                  "127.0.0.1", "--port", "7235", "--ctx-size", "4096", "--threads", "2"));
  EXPECT_THAT(llm.env, Contains("PATH=/bin"));
  EXPECT_THAT(llm.env, Not(Contains("NOTIFY_SOCKET=/run/notify")));
  EXPECT_EQ(llm.readiness.kind, supervisor::ReadinessCheck::Kind::kHttpOk);
  EXPECT_EQ(llm.readiness.http_address, "127.0.0.1:7235");
  EXPECT_EQ(llm.readiness.http_path, "/health");
  EXPECT_THAT(llm.ports, ElementsAre(7235));
  EXPECT_EQ(llm.start_timeout, absl::Seconds(30));
  EXPECT_EQ(llm.stop_timeout, absl::Seconds(5));
  EXPECT_EQ(llm.stdout_log, paths.LogDir() / "llm.log");
  EXPECT_EQ(llm.stderr_log, paths.LogDir() / "llm.log");
  EXPECT_EQ(llm.pid_file, paths.DataDir() / "llm.pid");
}

TEST(ComponentProfileTest, AgentRunnerLearnsTheModelOnlyItGetsTheSettings) {
  testing::TempDir dir;
  absl::StatusOr<StackProfile> local =
      BuildStackProfile(LocalModelConfig(dir), "/usr/bin/stigmer", {});
  ASSERT_TRUE(local.ok()) << local.status();
  const auto& agents = local->components[3];
  EXPECT_THAT(agents.env, Contains("STIGMER_LLM_PROVIDER=local"));
  EXPECT_THAT(agents.env, Contains("STIGMER_LLM_MODEL=SmolLM2-135M-Instruct"));
  EXPECT_THAT(agents.env, Contains("STIGMER_LLM_BASE_URL=http://127.0.0.1:7235/v1"));
  EXPECT_THAT(local->components[2].env, Not(Contains(StartsWith("STIGMER_LLM_BASE_URL="))));

  config::Paths paths(dir.path() / "other");
  absl::StatusOr<StackProfile> openai = BuildStackProfile(
      TestConfig(paths, {{"STIGMER_LLM_MODEL", "gpt-4.1-mini"}}), "/usr/bin/stigmer",
      {"OPENAI_API_KEY=sk-test", "STIGMER_LLM_BASE_URL=http://stale/v1"});
  ASSERT_TRUE(openai.ok()) << openai.status();
  EXPECT_THAT(openai->components[3].env, Contains("STIGMER_LLM_PROVIDER=openai"));
  EXPECT_THAT(openai->components[3].env, Contains("STIGMER_LLM_MODEL=gpt-4.1-mini"));
  EXPECT_THAT(openai->components[3].env,
              Contains("STIGMER_LLM_BASE_URL=https://api.openai.com/v1"));
  EXPECT_THAT(openai->components[3].env, Contains("OPENAI_API_KEY=sk-test"));
}

TEST(ComponentProfileTest, AnotherProviderMeansNoLlmComponent) {
  for (const char* provider : {"openai", "anthropic", "ollama"}) {
    testing::TempDir dir;
    absl::StatusOr<StackProfile> profile = BuildStackProfile(
        TestConfig(config::Paths(dir.path()),
                   {{"STIGMER_LLM_PROVIDER", provider}, {"STIGMER_LLM_PYTHON", "/nonexistent"}}),
        "/usr/bin/stigmer", {});
    ASSERT_TRUE(profile.ok()) << provider << ": " << profile.status();
    EXPECT_THAT(Names(*profile), Not(Contains("llm"))) << provider;
    EXPECT_THAT(profile->stop_order, Not(Contains("llm"))) << provider;
    EXPECT_FALSE(profile->endpoints.contains("llm"));
  }
}

TEST(ComponentProfileTest, LocalModelNotInstalledRefusesTheStartNamingTheFix) {
  testing::TempDir dir;
  absl::StatusOr<StackProfile> profile =
      BuildStackProfile(LocalModelConfig(dir, {{"STIGMER_LLM_PYTHON", "/nonexistent/bin/python"}}),
                        "/usr/bin/stigmer", {});
  ASSERT_FALSE(profile.ok());
  EXPECT_EQ(profile.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(profile.status().message(),
              HasSubstr("the local model's Python is not at /nonexistent/bin/python"));
  EXPECT_THAT(profile.status().message(), HasSubstr("`make setup`"));
}

}  // namespace
}  // namespace stigmer::daemon

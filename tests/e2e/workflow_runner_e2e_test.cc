// Workflows actually run: the examples through `stigmer run` with the daemon, the real Temporal
// dev server and workflow-runner; and workflow-runner killed mid-workflow.

#include <signal.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "temporal/payloads.h"
#include "temporal/temporal_client.h"
#include "testing/command_runner.h"
#include "testing/local_http_server.h"
#include "testing/stigmer_home.h"

namespace stigmer::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// `stigmer run NAME --input INPUT -o json`: the execution record it prints at the end.
nlohmann::json RunToEnd(const StigmerHome& home, const std::string& name,
                        const nlohmann::json& input) {
  CommandResult run = home.Run({"run", name, "--input", input.dump(), "-o", "json"});
  EXPECT_EQ(run.exit_code, 0) << name << ": " << run.out << run.err;
  const size_t start = run.out.find('{');
  if (start == std::string::npos) return nullptr;
  nlohmann::json execution = nlohmann::json::parse(run.out.substr(start), nullptr, false);
  EXPECT_FALSE(execution.is_discarded()) << run.out;
  return execution;
}

int Count(const std::string& text, const std::string& what) {
  int count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

nlohmann::json OutputOf(const nlohmann::json& execution) {
  if (!execution.is_object() || !execution.contains("output")) return nullptr;
  return execution["output"];  // a JSON value, not a string holding JSON
}

class WorkflowRunnerE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    // Nothing runs in the fresh home: apply starts the stack itself.
    CommandResult apply = home_.Run({"apply", "-f", (SourceDir() / "examples").string()});
    ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
    EXPECT_THAT(apply.out, HasSubstr("stigmer is not running; starting it"));
  }
  StigmerHome home_;
};

TEST_F(WorkflowRunnerE2e, EveryExampleReachesItsOutput) {
  EXPECT_EQ(OutputOf(RunToEnd(home_, "hello", {{"name", "Ada"}})),
            nlohmann::json({{"greeting", "Hello, Ada!"}}));
  EXPECT_EQ(
      OutputOf(RunToEnd(home_, "order-routing",
                        {{"items", {{{"price", 30}, {"qty", 2}}, {{"price", 5}, {"qty", 1}}}}})),
      nlohmann::json({{"total", 65}, {"route", "manual review"}}));
  EXPECT_EQ(OutputOf(RunToEnd(home_, "loop", {{"cities", {"Paris", "Lima", "Oslo"}}})),
            nlohmann::json({{"itinerary", {"1. Paris", "2. Lima", "3. Oslo"}}}));
  EXPECT_EQ(
      OutputOf(RunToEnd(home_, "errors", {{"quantity", -1}})),
      nlohmann::json({{"quantity", 1}, {"corrected", "quantity must be at least 1, not -1"}}));
  EXPECT_EQ(OutputOf(RunToEnd(home_, "shell", {{"word", "durable"}})),
            nlohmann::json({{"upper", "DURABLE"}, {"characters", 7}, {"code", 0}}));

  LocalHttpServer server([](const HttpServerRequest& request) {
    HttpServerResponse response;
    response.headers = {{"Content-Type", "application/json"}};
    response.body = nlohmann::json({{"path", request.path}, {"name", "widget"}}).dump();
    return response;
  });
  EXPECT_EQ(OutputOf(RunToEnd(home_, "http", {{"base", server.url()}, {"id", 42}})),
            nlohmann::json({{"item", {{"path", "/items/42"}, {"name", "widget"}}}}));
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].headers["accept"], "application/json");
}

TEST_F(WorkflowRunnerE2e, WaitHoldsTheWorkflowForTwoSeconds) {
  const absl::Time start = absl::Now();
  CommandResult run = home_.Run({"run", "wait"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_GE(absl::Now() - start, absl::Seconds(2));
  EXPECT_THAT(run.out, HasSubstr("✓ pause done (2."));
  EXPECT_THAT(run.out, HasSubstr("\"waited\": \"2s\""));
}

TEST_F(WorkflowRunnerE2e, RetrySucceedsOnTheThirdAttempt) {
  std::atomic<int> calls{0};
  LocalHttpServer server([&calls](const HttpServerRequest&) {
    HttpServerResponse response;
    const int attempt = ++calls;
    if (attempt < 3) {
      response.status = 503;
      response.body = "busy";
      return response;
    }
    response.headers = {{"Content-Type", "application/json"}};
    response.body = nlohmann::json({{"attempt", attempt}}).dump();
    return response;
  });
  CommandResult run = home_.Run(
      {"run", "retry", "--input", nlohmann::json({{"url", server.url() + "/flaky"}}).dump()});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(calls.load(), 3);
  EXPECT_THAT(run.out, HasSubstr("\"attempt\": 3"));
  // Each attempt is its own entry: two failed, then one done.
  EXPECT_EQ(Count(run.err, "✗ call failed (/do/0/fetch/try/0/call)"), 2) << run.err;
  EXPECT_EQ(Count(run.out, "✓ call done"), 1) << run.out;
}

TEST_F(WorkflowRunnerE2e, ForkRunsBranchesAndCompeteTakesTheFirst) {
  EXPECT_EQ(OutputOf(RunToEnd(home_, "fork", nlohmann::json::object())),
            nlohmann::json({{"sides", {{{"side", "left"}}, "right"}}, {"winner", "quick"}}));
}

TEST_F(WorkflowRunnerE2e, UncaughtErrorPrintsItsProblemDetailsAndExitsNonZero) {
  const std::filesystem::path file = home_.paths().home() / "broken.yaml";
  ASSERT_TRUE(WriteFileAtomically(
                  file, R"(document: {dsl: '1.0.0', namespace: test, name: broken, version: '1.0.0'}
do:
  - list:
      run:
        shell:
          command: ls /no/such/folder
)")
                  .ok());
  ASSERT_EQ(home_.Run({"apply", "-f", file.string()}).exit_code, 0);
  CommandResult run = home_.Run({"run", "broken"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_THAT(run.err, HasSubstr("failed: Command failed"));
  EXPECT_THAT(run.err, HasSubstr("No such file or directory"));
  EXPECT_THAT(run.err, HasSubstr("errors/runtime, status 500, at /do/0/list"));
  // workflow-runner's log has a line per finished execution.
  EXPECT_TRUE(WaitFor(
      [&] {
        CommandResult logs = home_.Run({"server", "logs", "-c", "workflow-runner"});
        return logs.out.find(": failed: Command failed") != std::string::npos;
      },
      absl::Seconds(10)));
}

// `--secret` values travel to Temporal encrypted with the stack's payload key: Temporal's history
// (what `temporal workflow show` reads without a codec) never holds them.
TEST_F(WorkflowRunnerE2e, SecretNeverReachesTemporalInClear) {
  constexpr char kSecret[] = "s3cr3t-9b2e41";
  const std::filesystem::path file = home_.paths().home() / "secret.yaml";
  ASSERT_TRUE(WriteFileAtomically(
                  file, R"(document: {dsl: '1.0.0', namespace: test, name: secret, version: '1.0.0'}
do:
  - use:
      set:
        token: ${ $secrets.TOKEN }
)")
                  .ok());
  ASSERT_EQ(home_.Run({"apply", "-f", file.string()}).exit_code, 0);
  CommandResult run =
      home_.Run({"run", "secret", "--secret", absl::StrCat("TOKEN=", kSecret), "-o", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const size_t at = run.out.find("wex-");
  ASSERT_NE(at, std::string::npos) << run.out;
  const std::string id = run.out.substr(at, run.out.find('"', at) - at);
  const std::string address = absl::StrCat("127.0.0.1:", home_.temporal_port());

  auto raw = temporal::TemporalClient::Connect(address);
  ASSERT_TRUE(raw.ok()) << raw.status();
  auto raw_history = (*raw)->GetFullHistory(id);
  ASSERT_TRUE(raw_history.ok()) << raw_history.status();
  std::string bytes;
  for (const auto& event : *raw_history) bytes += event.SerializeAsString();
  EXPECT_THAT(bytes, HasSubstr("binary/encrypted"));
  EXPECT_THAT(bytes, Not(HasSubstr(kSecret)));

  // With the key in STIGMER_HOME the output is there.
  auto codec = temporal::LoadOrCreatePayloadCodec(home_.paths().PayloadKeyFile());
  ASSERT_TRUE(codec.ok()) << codec.status();
  temporal::TemporalClientOptions options;
  options.address = address;
  options.codec = *codec;
  auto decoded = temporal::TemporalClient::Connect(options, absl::Seconds(10));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  auto history = (*decoded)->GetFullHistory(id);
  ASSERT_TRUE(history.ok() && !history->empty()) << history.status();
  ASSERT_TRUE(history->back().has_workflow_execution_completed_event_attributes());
  EXPECT_EQ(*temporal::DecodeJsonPayloadAt(
                history->back().workflow_execution_completed_event_attributes().result()),
            nlohmann::json({{"token", kSecret}}));
}

TEST_F(WorkflowRunnerE2e, WorkflowTimeoutEndsTheExecution) {
  const std::filesystem::path file = home_.paths().home() / "late.yaml";
  ASSERT_TRUE(WriteFileAtomically(
                  file, R"(document: {dsl: '1.0.0', namespace: test, name: late, version: '1.0.0'}
timeout:
  after:
    seconds: 1
do:
  - pause:
      wait:
        minutes: 10
)")
                  .ok());
  ASSERT_EQ(home_.Run({"apply", "-f", file.string()}).exit_code, 0);
  CommandResult run = home_.Run({"run", "late"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_THAT(run.err, HasSubstr("errors/timeout, status 408"));
}

// Temporal's port is open to every local account: a ServerlessWorkflow started there directly,
// not by stigmer-server, must not run a single step, while stigmer's own runs go on.
TEST_F(WorkflowRunnerE2e, WorkflowStartedDirectlyOnTemporalIsRefusedWhileAStigmerRunCompletes) {
  TempDir dir;
  const std::filesystem::path marker = dir.path() / "intruder-ran";
  // Temporal's own client, without the stack's payload key: its start goes in clear.
  auto intruder_client =
      temporal::TemporalClient::Connect(absl::StrCat("127.0.0.1:", home_.temporal_port()));
  ASSERT_TRUE(intruder_client.ok()) << intruder_client.status();
  temporal::StartWorkflowOptions intruder;
  intruder.workflow_id = "wex-intruder";
  intruder.input = {
      {{"document", {{"dsl", "1.0.0"}, {"namespace", "x"}, {"name", "x"}, {"version", "1.0.0"}}},
       {"do", {{{"touch", {{"run", {{"shell", {{"command", "touch " + marker.string()}}}}}}}}}}},
      nlohmann::json::object(),
      {{"environment", nlohmann::json::object()}, {"secrets", nlohmann::json::object()}}};
  ASSERT_TRUE((*intruder_client)->StartWorkflow(intruder).ok());

  EXPECT_EQ(OutputOf(RunToEnd(home_, "hello", {{"name", "Ada"}})),
            nlohmann::json({{"greeting", "Hello, Ada!"}}));

  // The refusal is written encrypted: read it with the stack's key.
  auto codec = temporal::LoadOrCreatePayloadCodec(home_.paths().PayloadKeyFile());
  ASSERT_TRUE(codec.ok()) << codec.status();
  temporal::TemporalClientOptions options;
  options.address = absl::StrCat("127.0.0.1:", home_.temporal_port());
  options.codec = *codec;
  auto temporal = temporal::TemporalClient::Connect(options, absl::Seconds(10));
  ASSERT_TRUE(temporal.ok()) << temporal.status();
  std::vector<temporal::HistoryEvent> events;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto history = (*temporal)->GetFullHistory(intruder.workflow_id);
        if (!history.ok() || history->empty()) return false;
        events = *std::move(history);
        return events.back().has_workflow_execution_failed_event_attributes();
      },
      absl::Seconds(30)));
  const auto& failure = events.back().workflow_execution_failed_event_attributes().failure();
  auto problem = temporal::DecodeJsonPayloadAt(failure.application_failure_info().details());
  ASSERT_TRUE(problem.ok());
  EXPECT_EQ((*problem)["status"], 403);
  EXPECT_THAT((*problem)["detail"].get<std::string>(), HasSubstr("not started by stigmer-server"));
  EXPECT_FALSE(std::filesystem::exists(marker)) << "the intruder's command ran";
}

TEST_F(WorkflowRunnerE2e, KilledWorkflowRunnerIsRestartedAndTheWorkflowCompletes) {
  CommandResult started = home_.Run({"run", "wait", "--no-follow"});
  ASSERT_EQ(started.exit_code, 0) << started.err;
  const size_t at = started.out.find("wex-");
  ASSERT_NE(at, std::string::npos) << started.out;
  const std::string id = started.out.substr(at, started.out.find_first_of(" \n", at) - at);

  const pid_t runner = home_.Component("workflow-runner")["pid"].get<pid_t>();
  ASSERT_GT(runner, 0);
  // Kill it while the workflow waits on its timer.
  ASSERT_TRUE(WaitFor(
      [&] {
        CommandResult get = home_.Run({"get", "executions", id, "-o", "json"});
        return get.exit_code == 0 && get.out.find("\"pause\"") != std::string::npos;
      },
      absl::Seconds(20)));
  ASSERT_EQ(::kill(runner, SIGKILL), 0);

  ASSERT_TRUE(WaitFor(
      [&] {
        nlohmann::json component = home_.Component("workflow-runner");
        return component.is_object() && component["pid"].get<pid_t>() != runner &&
               component["state"] == "ready";
      },
      absl::Seconds(30)))
      << home_.StatusJson().dump(2);
  nlohmann::json execution;
  ASSERT_TRUE(WaitFor(
      [&] {
        CommandResult get = home_.Run({"get", "executions", id, "-o", "json"});
        if (get.exit_code != 0) return false;
        execution = nlohmann::json::parse(get.out, nullptr, false);
        return execution.is_object() && execution["phase"] == "EXECUTION_PHASE_COMPLETED";
      },
      absl::Seconds(60)))
      << execution.dump(2);
  EXPECT_EQ(OutputOf(execution)["waited"], "2s");
}

// Issue 8: a SIGKILLed workflow-runner took its shell command's leader along but not the
// leader's children, and Temporal's retry ran the command again beside them.
TEST_F(WorkflowRunnerE2e, KilledWorkflowRunnerTakesItsShellCommandsGrandchildrenAlong) {
  TempDir dir;
  const std::string marker = (dir.path() / "first-attempt").string();
  const std::filesystem::path pid_file = dir.path() / "grandchild.pid";
  const std::filesystem::path workflow = dir.path() / "orphan.yaml";
  // The first attempt leaves a `sleep` behind its shell; the retry finds the marker and ends.
  const std::string command =
      absl::StrCat("if [ -e '", marker, "' ]; then echo retried; else touch '", marker,
                   "'; sleep 300 & echo $! > '", pid_file.string(), ".tmp' && mv '",
                   pid_file.string(), ".tmp' '", pid_file.string(), "'; wait; fi");
  ASSERT_TRUE(WriteFileAtomically(
                  workflow, absl::StrCat("document: {dsl: '1.0.0', namespace: e2e, name: orphan, "
                                         "version: '1.0.0'}\n"
                                         "do:\n  - linger:\n      run:\n        shell:\n"
                                         "          command: ",
                                         nlohmann::json(command).dump(), "\n"))
                  .ok());
  ASSERT_EQ(home_.Run({"apply", "-f", workflow.string()}).exit_code, 0);
  CommandResult started = home_.Run({"run", "orphan", "--no-follow"});
  ASSERT_EQ(started.exit_code, 0) << started.err;
  const size_t at = started.out.find("wex-");
  ASSERT_NE(at, std::string::npos) << started.out;
  const std::string id = started.out.substr(at, started.out.find_first_of(" \n", at) - at);

  pid_t grandchild = 0;
  ASSERT_TRUE(WaitFor(
      [&] {
        absl::StatusOr<std::string> text = ReadFileToString(pid_file);
        return text.ok() && absl::SimpleAtoi(absl::StripAsciiWhitespace(*text), &grandchild);
      },
      absl::Seconds(30)));
  ASSERT_TRUE(ProcessAlive(grandchild));
  const pid_t runner = home_.Component("workflow-runner")["pid"].get<pid_t>();
  ASSERT_GT(runner, 0);
  ASSERT_EQ(::kill(runner, SIGKILL), 0);

  ASSERT_TRUE(WaitFor(
      [&] {
        nlohmann::json component = home_.Component("workflow-runner");
        return component.is_object() && component["pid"].get<pid_t>() != runner &&
               component["state"] == "ready";
      },
      absl::Seconds(30)))
      << home_.StatusJson().dump(2);
  EXPECT_FALSE(ProcessAlive(grandchild)) << "the first attempt's sleep outlived workflow-runner";
  if (ProcessAlive(grandchild)) ::kill(grandchild, SIGKILL);  // a failed run leaves nothing behind
  absl::StatusOr<std::string> log = ReadFileToString(home_.paths().StderrLog("workflow-runner"));
  ASSERT_TRUE(log.ok());
  EXPECT_THAT(*log, HasSubstr("workflow-runner: killed 1 shell command process group(s) left "
                              "running by a workflow-runner that was killed"));

  nlohmann::json execution;
  ASSERT_TRUE(WaitFor(
      [&] {
        CommandResult get = home_.Run({"get", "executions", id, "-o", "json"});
        if (get.exit_code != 0) return false;
        execution = nlohmann::json::parse(get.out, nullptr, false);
        return execution.is_object() && execution["phase"] == "EXECUTION_PHASE_COMPLETED";
      },
      absl::Seconds(60)))
      << execution.dump(2);
  EXPECT_EQ(OutputOf(execution), "retried");
}

// Issue 8: a workflow-runner stopped with SIGSTOP showed `ready` while every execution stalled.
TEST(WorkflowRunnerWatchdogE2e, StoppedWorkflowRunnerIsUnhealthyThenRestarted) {
  StigmerHome home;
  home.env()["STIGMER_WORKER_HEARTBEAT_MS"] = "500";
  CommandResult up = home.Run({"server"});
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  const pid_t runner = home.Component("workflow-runner")["pid"].get<pid_t>();
  ASSERT_GT(runner, 0);
  ASSERT_EQ(::kill(runner, SIGSTOP), 0);

  nlohmann::json component;
  ASSERT_TRUE(WaitFor(
      [&] {
        component = home.Component("workflow-runner");
        return component.is_object() && component["pid"].get<pid_t>() != runner &&
               component["state"] == "ready";
      },
      absl::Seconds(30)))
      << home.StatusJson().dump(2);
  EXPECT_EQ(component["restarts"], 1);
  EXPECT_THAT(component["last_exit"].get<std::string>(),
              HasSubstr("(unhealthy: no heartbeat for 1.5s)"));
  EXPECT_FALSE(ProcessAlive(runner));
  absl::StatusOr<std::string> log = ReadFileToString(home.paths().StdoutLog("supervisor"));
  ASSERT_TRUE(log.ok());
  EXPECT_THAT(*log, HasSubstr("workflow-runner: unhealthy: no heartbeat for 1.5s; restarting it"));

  ASSERT_EQ(home.Run({"apply", "-f", (SourceDir() / "examples" / "hello.yaml").string()}).exit_code,
            0);
  EXPECT_EQ(OutputOf(RunToEnd(home, "hello", {{"name", "Ada"}})),
            nlohmann::json({{"greeting", "Hello, Ada!"}}));
}

}  // namespace
}  // namespace stigmer::testing

// The agent-runner process (`stigmer internal agent-runner`) killed with SIGKILL in the middle
// of a run, against the real dev server and the scripted model server: a new worker finishes
// the run from history. No model call whose answer history holds is made again, and the tool
// that was running when the worker died is not run a second time (tools get one attempt),
// unless the agent's limits.tool_attempts allows it.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "agent/agent_program.h"
#include "agent/agent_runner.h"
#include "common/process_spawn.h"
#include "common/unique_fd.h"
#include "config/key_file.h"
#include "config/paths.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "temporal/payload_codec.h"
#include "temporal/payloads.h"
#include "temporal/temporal_client.h"
#include "testing/closed_history.h"
#include "testing/scripted_model_server.h"
#include "testing/temporal_dev_server.h"
#include "testing/test_env.h"

namespace stigmer::agent {
namespace {

using ::testing::HasSubstr;

// One `stigmer internal agent-runner`, its output appended to `log`; killed and reaped when
// destroyed.
class AgentRunnerProcess {
 public:
  AgentRunnerProcess(const std::string& temporal_address, const config::Paths& home,
                     const std::string& log) {
    UniqueFd out(::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
    SpawnPlan plan;
    plan.argv = {testing::StigmerBinary(), "internal", "agent-runner"};
    const char* path = std::getenv("PATH");
    plan.env = {absl::StrCat("PATH=", path != nullptr ? path : "/usr/bin:/bin"),
                absl::StrCat("TEMPORAL_SERVICE_ADDRESS=", temporal_address),
                absl::StrCat("STIGMER_HOME=", home.home().string())};
    plan.stdio[1] = plan.stdio[2] = out.get();
    absl::StatusOr<pid_t> pid = SpawnProcess(plan);
    EXPECT_TRUE(pid.ok()) << pid.status();
    if (pid.ok()) pid_ = *pid;
  }
  ~AgentRunnerProcess() { Kill(); }
  AgentRunnerProcess(const AgentRunnerProcess&) = delete;
  AgentRunnerProcess& operator=(const AgentRunnerProcess&) = delete;

  pid_t pid() const { return pid_; }
  // SIGKILL (kill -9) to the worker, then reaps it.
  void Kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }

 private:
  pid_t pid_ = 0;
};

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class AgentRunnerProcessTest : public testing::TemporalDevServerSuite {
 protected:
  void SetUp() override {
    TemporalDevServerSuite::SetUp();
    // agent-runner runs only starts signed with the key in its STIGMER_HOME, and encrypts
    // payloads with the key there: the test starts and reads runs with both.
    absl::StatusOr<std::string> key = config::LoadOrCreateKeyFile(home_.SigningKeyFile(), "key");
    ASSERT_TRUE(key.ok()) << key.status();
    key_ = *key;
    auto codec = temporal::LoadOrCreatePayloadCodec(home_.PayloadKeyFile());
    ASSERT_TRUE(codec.ok()) << codec.status();
    temporal::TemporalClientOptions options;
    options.address = temporal_address();
    options.codec = *codec;
    auto client = temporal::TemporalClient::Connect(options, absl::Seconds(10));
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = *std::move(client);
  }

  std::unique_ptr<AgentRunnerProcess> StartWorker() {
    auto worker = std::make_unique<AgentRunnerProcess>(temporal_address(), home_, log_);
    EXPECT_GT(worker->pid(), 0);
    return worker;
  }

  // Starts run `id` of an agent with `tools` and `limits` on the scripted model.
  void Start(const std::string& id, const std::vector<std::string>& tools,
             const nlohmann::json& limits = nlohmann::json::object()) {
    const nlohmann::json agent = {{"kind", "Agent"},
                                  {"name", "survivor"},
                                  {"instructions", "Use the tools."},
                                  {"model",
                                   {{"provider", "openai-compatible"},
                                    {"name", "scripted"},
                                    {"base_url", model_.base_url()}}},
                                  {"tools", tools},
                                  {"limits", limits}};
    temporal::StartWorkflowOptions options;
    options.workflow_id = id;
    options.workflow_type = kAgentWorkflowType;
    options.task_queue = kAgentTaskQueue;
    options.input = {
        agent,
        {{"message", "Go"}},
        {{"environment", nlohmann::json::object()}, {"secrets", nlohmann::json::object()}}};
    options.signing_key = key_;
    ASSERT_TRUE(client_->StartWorkflow(options).ok());
  }

  // Waits until the shell tool of run `id` wrote `lines` lines into its started.txt.
  bool WaitToolStarted(const std::string& id, int lines) {
    return testing::WaitFor(
        [&] {
          const std::string text = ReadFile(Workspace(id) / "started.txt");
          return std::count(text.begin(), text.end(), '\n') >= lines;
        },
        absl::Seconds(60));
  }

  // The output of run `id` once it completed; a test failure otherwise.
  nlohmann::json WaitCompleted(const std::string& id) {
    const std::vector<durable::HistoryEvent> events =
        testing::WaitClosedHistory(*client_, id, absl::Seconds(90));
    EXPECT_FALSE(events.empty()) << ReadFile(log_);
    if (events.empty() || !events.back().has_workflow_execution_completed_event_attributes()) {
      ADD_FAILURE() << "not completed: " << (events.empty() ? "" : events.back().DebugString());
      return nullptr;
    }
    return testing::CompletedOutput(events);
  }

  std::filesystem::path Workspace(const std::string& id) const {
    return home_.WorkspacesDir() / id;
  }

  testing::TempDir dir_;
  const config::Paths home_{dir_.path() / "home"};
  const std::string log_ = (dir_.path() / "agent-runner.log").string();
  std::string key_;
  std::unique_ptr<temporal::TemporalClient> client_;
  testing::ScriptedModelServer model_;
};

TEST_F(AgentRunnerProcessTest, KilledMidToolTheRunCompletesWithoutRepeatingAModelCallOrTheTool) {
  // 1: a file written (its result is in history before the kill); 2: a shell command that
  // writes the worker's pid, then waits to be killed with it; 3: the answer.
  model_.QueueToolCall("call_1", "files",
                       {{"operation", "write"}, {"path", "first.txt"}, {"content", "one"}});
  model_.QueueToolCall("call_2", "shell",
                       {{"command", "echo $PPID >> started.txt; exec sleep 60"}});
  model_.QueueText("Done despite the crash.");
  std::unique_ptr<AgentRunnerProcess> first = StartWorker();
  Start("aex-killed", {"files", "shell"});
  ASSERT_TRUE(WaitToolStarted("aex-killed", 1)) << "the shell tool never started\n"
                                                << ReadFile(log_);
  const pid_t first_pid = first->pid();
  EXPECT_EQ(model_.request_count(), 2u);
  first->Kill();  // SIGKILL; the shell command dies with it (PR_SET_PDEATHSIG)

  std::unique_ptr<AgentRunnerProcess> second = StartWorker();
  const nlohmann::json output = WaitCompleted("aex-killed");
  EXPECT_EQ(output["answer"], "Done despite the crash.");
  // Three model calls in all: the two answered before the kill were not asked again.
  const std::vector<nlohmann::json> requests = model_.requests();
  ASSERT_EQ(requests.size(), 3u);
  // The shell command ran once, on the first worker: its one attempt was lost with the worker,
  // and the model read that the call failed instead of the command running again.
  EXPECT_EQ(ReadFile(Workspace("aex-killed") / "started.txt"), absl::StrCat(first_pid, "\n"));
  const nlohmann::json& messages = requests[2]["messages"];
  ASSERT_EQ(messages.size(), 6u) << messages.dump();
  EXPECT_EQ(messages[5]["role"], "tool");
  // What the model reads of the lost attempt.
  EXPECT_EQ(messages[5]["content"], "error: activity Heartbeat timeout") << messages.dump();
  EXPECT_EQ(ReadFile(Workspace("aex-killed") / "first.txt"), "one");
}

TEST_F(AgentRunnerProcessTest, AToolTheAgentAllowsTwoAttemptsRunsAgainOnTheNewWorker) {
  // The command waits to be killed the first time only.
  model_.QueueToolCall("call_1", "shell",
                       {{"command",
                         "echo $PPID >> started.txt; "
                         "[ \"$(wc -l < started.txt)\" -ge 2 ] || exec sleep 60; echo again"}});
  model_.QueueText("Done on the second attempt.");
  std::unique_ptr<AgentRunnerProcess> first = StartWorker();
  Start("aex-retried", {"shell"}, {{"tool_attempts", 2}});
  ASSERT_TRUE(WaitToolStarted("aex-retried", 1)) << ReadFile(log_);
  const pid_t first_pid = first->pid();
  first->Kill();

  std::unique_ptr<AgentRunnerProcess> second = StartWorker();
  const nlohmann::json output = WaitCompleted("aex-retried");
  EXPECT_EQ(output["answer"], "Done on the second attempt.");
  // The in-flight tool ran twice, once per worker; the model was asked twice, not three times.
  EXPECT_EQ(ReadFile(Workspace("aex-retried") / "started.txt"),
            absl::StrCat(first_pid, "\n", second->pid(), "\n"));
  const std::vector<nlohmann::json> requests = model_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_THAT(requests[1]["messages"][3]["content"].get<std::string>(), HasSubstr("again"));
}

}  // namespace
}  // namespace stigmer::agent

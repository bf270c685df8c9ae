// The agent-runner process (`stigmer internal agent-runner`) killed with SIGKILL in the middle
// of a run, against the real dev server and the scripted model server: a new worker finishes
// the run from history. No model call whose answer history holds is made again, and the tool
// that was running when the worker died is not run a second time (tools get one attempt).

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

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
#include "testing/scripted_model_server.h"
#include "testing/temporal_dev_server.h"
#include "testing/test_env.h"

namespace stigmer::agent {
namespace {

using ::temporal::api::enums::v1::EventType;
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

class AgentRunnerProcessTest : public testing::TemporalDevServerSuite {};

TEST_F(AgentRunnerProcessTest, KilledMidToolTheRunCompletesWithoutRepeatingAModelCallOrTheTool) {
  testing::TempDir dir;
  const config::Paths home(dir.path() / "home");
  const std::string log = (dir.path() / "agent-runner.log").string();
  // agent-runner runs only starts signed with the key in its STIGMER_HOME, and encrypts
  // payloads with the key there: the test starts and reads the run with both.
  absl::StatusOr<std::string> key = config::LoadOrCreateKeyFile(home.SigningKeyFile(), "key");
  ASSERT_TRUE(key.ok()) << key.status();
  auto codec = temporal::LoadOrCreatePayloadCodec(home.PayloadKeyFile());
  ASSERT_TRUE(codec.ok()) << codec.status();
  temporal::TemporalClientOptions client_options;
  client_options.address = temporal_address();
  client_options.codec = *codec;
  auto client = temporal::TemporalClient::Connect(client_options, absl::Seconds(10));
  ASSERT_TRUE(client.ok()) << client.status();

  testing::ScriptedModelServer model;
  // 1: a file written (its result is in history before the kill); 2: a shell command that
  // writes the worker's pid, then waits to be killed with it; 3: the answer.
  model.QueueToolCall("call_1", "files",
                      {{"operation", "write"}, {"path", "first.txt"}, {"content", "one"}});
  model.QueueToolCall("call_2", "shell", {{"command", "echo $PPID >> started.txt; exec sleep 60"}});
  model.QueueText("Done despite the crash.");
  const nlohmann::json agent = {
      {"kind", "Agent"},
      {"name", "survivor"},
      {"instructions", "Use the tools."},
      {"model",
       {{"provider", "openai-compatible"}, {"name", "scripted"}, {"base_url", model.base_url()}}},
      {"tools", {"files", "shell"}}};

  auto first = std::make_unique<AgentRunnerProcess>(temporal_address(), home, log);
  ASSERT_GT(first->pid(), 0);
  temporal::StartWorkflowOptions options;
  options.workflow_id = "aex-killed";
  options.workflow_type = kAgentWorkflowType;
  options.task_queue = kAgentTaskQueue;
  options.input = {
      agent,
      {{"message", "Write, then wait"}},
      {{"environment", nlohmann::json::object()}, {"secrets", nlohmann::json::object()}}};
  options.signing_key = *key;
  ASSERT_TRUE((*client)->StartWorkflow(options).ok());

  const std::filesystem::path started = home.WorkspacesDir() / "aex-killed" / "started.txt";
  ASSERT_TRUE(testing::WaitFor([&] { return !ReadFile(started).empty(); }, absl::Seconds(60)))
      << "the shell tool never started\n"
      << ReadFile(log);
  const pid_t first_pid = first->pid();
  EXPECT_EQ(ReadFile(started), absl::StrCat(first_pid, "\n"));
  EXPECT_EQ(model.request_count(), 2u);
  first->Kill();  // SIGKILL, the shell command with it

  AgentRunnerProcess second(temporal_address(), home, log);
  std::vector<durable::HistoryEvent> events;
  const bool closed = testing::WaitFor(
      [&] {
        auto history = (*client)->GetFullHistory("aex-killed");
        if (!history.ok() || history->empty()) return false;
        events = *std::move(history);
        const EventType last = events.back().event_type();
        return last == EventType::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED ||
               last == EventType::EVENT_TYPE_WORKFLOW_EXECUTION_FAILED;
      },
      absl::Seconds(90));
  ASSERT_TRUE(closed) << ReadFile(log);
  ASSERT_TRUE(events.back().has_workflow_execution_completed_event_attributes())
      << events.back().DebugString();
  auto output = temporal::DecodeJsonPayloadAt(
      events.back().workflow_execution_completed_event_attributes().result());
  ASSERT_TRUE(output.ok()) << output.status();
  EXPECT_EQ((*output)["answer"], "Done despite the crash.");

  // Three model calls in all: the two answered before the kill were not asked again.
  const std::vector<nlohmann::json> requests = model.requests();
  ASSERT_EQ(requests.size(), 3u);
  // The shell command ran once: its one attempt was lost with the worker, and the model read
  // that the call failed instead of the command running again.
  EXPECT_EQ(ReadFile(started), absl::StrCat(first_pid, "\n"));
  const nlohmann::json& messages = requests[2]["messages"];
  ASSERT_EQ(messages.size(), 6u) << messages.dump();
  EXPECT_EQ(messages[5]["role"], "tool");
  // What the model reads of the lost attempt.
  EXPECT_EQ(messages[5]["content"], "error: activity Heartbeat timeout") << messages.dump();
  EXPECT_EQ(ReadFile(home.WorkspacesDir() / "aex-killed" / "first.txt"), "one");
}

}  // namespace
}  // namespace stigmer::agent

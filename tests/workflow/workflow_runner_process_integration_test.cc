// The workflow-runner process (`stigmer internal workflow-runner`) against the real dev server:
// on SIGTERM it stops polling, lets the running activity finish, and exits 0; its expression
// sandboxes are children of its zygote, not exec'd.

#include <signal.h>

#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "config/key_file.h"
#include "config/paths.h"
#include "gtest/gtest.h"
#include "temporal/payload_codec.h"
#include "temporal/payloads.h"
#include "temporal/temporal_client.h"
#include "testing/command_runner.h"
#include "testing/process_tree.h"
#include "testing/temporal_dev_server.h"
#include "testing/test_env.h"
#include "workflow/workflow_document.h"

namespace stigmer::workflow {
namespace {

using ::stigmer::testing::ChildrenOf;
using ::stigmer::testing::CommandLineOf;
using ::temporal::api::enums::v1::EventType;

// `stigmer internal workflow-runner` in a home of its own, and a client that starts its runs.
class WorkflowRunnerProcessTest : public testing::TemporalDevServerSuite {
 protected:
  void SetUp() override {
    // workflow-runner runs only starts signed with the key in its STIGMER_HOME.
    absl::StatusOr<std::string> key = config::LoadOrCreateKeyFile(home_.SigningKeyFile(), "key");
    ASSERT_TRUE(key.ok()) << key.status();
    key_ = *key;
    // It encrypts payloads with the key in that STIGMER_HOME too.
    auto codec = temporal::LoadOrCreatePayloadCodec(home_.PayloadKeyFile());
    ASSERT_TRUE(codec.ok()) << codec.status();
    codec_ = *codec;
    temporal::TemporalClientOptions client_options;
    client_options.address = temporal_address();
    client_options.codec = codec_;
    auto client = temporal::TemporalClient::Connect(client_options, absl::Seconds(10));
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = *std::move(client);
    runner_ = std::thread([this] {
      result_ = testing::RunCommand({testing::StigmerBinary(), "internal", "workflow-runner"},
                                    {{"TEMPORAL_SERVICE_ADDRESS", temporal_address()},
                                     {"STIGMER_HOME", home_.home().string()}},
                                    absl::Seconds(60));
    });
  }

  void TearDown() override {
    if (runner_.joinable()) runner_.join();
  }

  // Starts `id` on a document whose `do:` is `tasks`.
  void Start(const std::string& id, const std::string& tasks) {
    absl::StatusOr<WorkflowDocument> document = ParseWorkflowDocument(absl::StrCat(
        "document: {dsl: '1.0.0', namespace: test, name: drain, version: '1.0.0'}\n", tasks));
    ASSERT_TRUE(document.ok()) << document.status();
    temporal::StartWorkflowOptions options;
    options.workflow_id = id;
    options.input = {nlohmann::json::parse(document->json.dump()), nlohmann::json::object(),
                     nlohmann::json::object()};
    options.signing_key = key_;
    ASSERT_TRUE(client_->StartWorkflow(options).ok());
  }

  // The pid a task's shell wrote to `path` (its parent's: the worker), 0 if none in 30 s.
  static pid_t WaitForPid(const std::string& path) {
    pid_t pid = 0;
    testing::WaitFor(
        [&] {
          std::ifstream in(path);
          return static_cast<bool>(in >> pid) && pid > 0;
        },
        absl::Seconds(30));
    return pid;
  }

  // SIGTERMs the worker (when known) and waits for it to exit.
  void Stop(pid_t worker) {
    if (worker > 0) ::kill(worker, SIGTERM);
    runner_.join();
  }

  testing::TempDir dir_;
  const config::Paths home_{dir_.path() / "home"};
  std::string key_;
  std::shared_ptr<const temporal::PayloadCodec> codec_;
  std::unique_ptr<temporal::TemporalClient> client_;
  std::thread runner_;
  testing::CommandResult result_;
};

TEST_F(WorkflowRunnerProcessTest, SigtermLetsTheRunningActivityFinishAndExitsZero) {
  const std::string pid_file = (dir_.path() / "worker.pid").string();
  // The command tells the test its parent, the worker, then takes a moment to finish.
  Start("wex-drain", absl::StrCat("do:\n"
                                  "  - slow:\n"
                                  "      run:\n"
                                  "        shell:\n"
                                  "          command: echo $PPID > ",
                                  pid_file, "; sleep 1; echo finished\n"));
  const pid_t worker = WaitForPid(pid_file);
  Stop(worker);
  ASSERT_GT(worker, 0) << result_.err;
  EXPECT_EQ(result_.exit_code, 0) << result_.err;
  EXPECT_NE((result_.out + result_.err).find("received Terminated, stopping"), std::string::npos)
      << result_.out << result_.err;

  auto history = client_->GetFullHistory("wex-drain");
  ASSERT_TRUE(history.ok()) << history.status();
  bool completed = false;
  for (const auto& event : *history) {
    if (event.event_type() != EventType::EVENT_TYPE_ACTIVITY_TASK_COMPLETED) continue;
    auto output =
        temporal::DecodeJsonPayloadAt(event.activity_task_completed_event_attributes().result());
    completed = output.ok() && *output == "finished";
  }
  EXPECT_TRUE(completed) << "the activity did not report its result before the worker exited";

  // Temporal holds the result encrypted with that key.
  auto raw = temporal::TemporalClient::Connect(temporal_address());
  ASSERT_TRUE(raw.ok()) << raw.status();
  auto raw_history = (*raw)->GetFullHistory("wex-drain");
  ASSERT_TRUE(raw_history.ok()) << raw_history.status();
  for (const auto& event : *raw_history) {
    if (event.event_type() != EventType::EVENT_TYPE_ACTIVITY_TASK_COMPLETED) continue;
    const auto& result = event.activity_task_completed_event_attributes().result().payloads(0);
    EXPECT_EQ(result.metadata().at("encoding"), "binary/encrypted");
    EXPECT_EQ(result.metadata().at("encryption-key-id"), codec_->key_id());
  }
}

TEST_F(WorkflowRunnerProcessTest, ExpressionSandboxesAreForkedFromTheZygote) {
  const std::string pid_file = (dir_.path() / "worker.pid").string();
  const std::string release = (dir_.path() / "release").string();
  // An expression (a sandbox is started for it and kept for the next task), then a task that
  // holds the run until the test has looked at the worker's processes.
  Start("wex-zygote",
        absl::StrCat("do:\n"
                     "  - compute:\n"
                     "      set:\n"
                     "        sum: ${ 1 + 1 }\n"
                     "  - hold:\n"
                     "      run:\n"
                     "        shell:\n"
                     "          command: echo $PPID > ",
                     pid_file, "; while [ ! -e ", release, " ]; do sleep 0.1; done\n"));
  const pid_t worker = WaitForPid(pid_file);
  std::map<pid_t, std::string> forked_sandboxes;
  std::vector<std::string> exec_sandboxes;
  int zygotes = 0;
  if (worker > 0) {
    const std::string worker_command = CommandLineOf(worker);
    for (const auto& [pid, command] : ChildrenOf(worker)) {
      if (absl::StrContains(command, "expression-sandbox")) exec_sandboxes.push_back(command);
      // The zygote is a fork of the worker: the same command line.
      if (command != worker_command) continue;
      ++zygotes;
      forked_sandboxes.merge(ChildrenOf(pid));
    }
  }
  std::ofstream(release).put('\n');
  Stop(worker);
  ASSERT_GT(worker, 0) << result_.err;
  EXPECT_EQ(zygotes, 1);
  EXPECT_FALSE(forked_sandboxes.empty()) << "no sandbox is the zygote's child";
  EXPECT_TRUE(exec_sandboxes.empty()) << exec_sandboxes[0];
  EXPECT_EQ(result_.exit_code, 0) << result_.err;
  EXPECT_FALSE(absl::StrContains(result_.err, "exec'd instead")) << result_.err;
}

}  // namespace
}  // namespace stigmer::workflow

// The workflow-runner process (`stigmer internal workflow-runner`) against the real dev server:
// on SIGTERM it stops polling, lets the running activity finish, and exits 0.

#include <signal.h>

#include <fstream>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "config/key_file.h"
#include "config/paths.h"
#include "gtest/gtest.h"
#include "temporal/payload_codec.h"
#include "temporal/payloads.h"
#include "temporal/temporal_client.h"
#include "testing/command_runner.h"
#include "testing/temporal_dev_server.h"
#include "testing/test_env.h"
#include "workflow/workflow_document.h"

namespace stigmer::workflow {
namespace {

using ::temporal::api::enums::v1::EventType;

class WorkflowRunnerProcessTest : public testing::TemporalDevServerSuite {};

TEST_F(WorkflowRunnerProcessTest, SigtermLetsTheRunningActivityFinishAndExitsZero) {
  testing::TempDir dir;
  const std::string pid_file = (dir.path() / "worker.pid").string();
  // workflow-runner runs only starts signed with the key in its STIGMER_HOME.
  const config::Paths home(dir.path() / "home");
  absl::StatusOr<std::string> key = config::LoadOrCreateKeyFile(home.SigningKeyFile(), "key");
  ASSERT_TRUE(key.ok()) << key.status();
  // It encrypts payloads with the key in that STIGMER_HOME too.
  auto codec = temporal::LoadOrCreatePayloadCodec(home.PayloadKeyFile());
  ASSERT_TRUE(codec.ok()) << codec.status();
  temporal::TemporalClientOptions client_options;
  client_options.address = temporal_address();
  client_options.codec = *codec;
  auto client = temporal::TemporalClient::Connect(client_options, absl::Seconds(10));
  ASSERT_TRUE(client.ok()) << client.status();

  testing::CommandResult result;
  std::thread runner([&] {
    result = testing::RunCommand(
        {testing::StigmerBinary(), "internal", "workflow-runner"},
        {{"TEMPORAL_SERVICE_ADDRESS", temporal_address()}, {"STIGMER_HOME", home.home().string()}},
        absl::Seconds(60));
  });

  // The command tells the test its parent, the worker, then takes a moment to finish.
  absl::StatusOr<WorkflowDocument> document = ParseWorkflowDocument(
      absl::StrCat("document: {dsl: '1.0.0', namespace: test, name: drain, version: '1.0.0'}\n"
                   "do:\n"
                   "  - slow:\n"
                   "      run:\n"
                   "        shell:\n"
                   "          command: echo $PPID > ",
                   pid_file, "; sleep 1; echo finished\n"));
  ASSERT_TRUE(document.ok()) << document.status();
  temporal::StartWorkflowOptions options;
  options.workflow_id = "wex-drain";
  options.input = {nlohmann::json::parse(document->json.dump()), nlohmann::json::object(),
                   nlohmann::json::object()};
  options.signing_key = *key;
  ASSERT_TRUE((*client)->StartWorkflow(options).ok());

  pid_t worker = 0;
  const bool started = testing::WaitFor(
      [&] {
        std::ifstream in(pid_file);
        return static_cast<bool>(in >> worker) && worker > 0;
      },
      absl::Seconds(30));
  if (started) ::kill(worker, SIGTERM);
  runner.join();
  ASSERT_TRUE(started) << result.err;
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE((result.out + result.err).find("received Terminated, stopping"), std::string::npos)
      << result.out << result.err;

  auto history = (*client)->GetFullHistory("wex-drain");
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
    EXPECT_EQ(result.metadata().at("encryption-key-id"), (*codec)->key_id());
  }
}

}  // namespace
}  // namespace stigmer::workflow

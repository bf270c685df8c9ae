// Two worker hosts on one Temporal: two `stigmer server` daemons, each in a STIGMER_HOME of its
// own (its own data, logs and PID files) and both configured with the same external Temporal
// (TEMPORAL_SERVICE_ADDRESS), share the runs, workflows and agents; killing one host mid-run
// loses none.

#include <signal.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "agent/agent_program.h"
#include "agent/agent_runner.h"
#include "common/file_io.h"
#include "config/key_file.h"
#include "gtest/gtest.h"
#include "temporal/payload_codec.h"
#include "temporal/temporal_client.h"
#include "testing/closed_history.h"
#include "testing/command_runner.h"
#include "testing/scripted_model_server.h"
#include "testing/stigmer_home.h"
#include "testing/temporal_dev_server.h"
#include "testing/test_env.h"
#include "workflow/workflow_document.h"

namespace stigmer::daemon {
namespace {

// Each run writes its worker's STIGMER_HOME to <marks>/<n>, then holds until the test creates
// <marks>/release: the test kills a host while its commands hold.
constexpr char kWorkflow[] =
    R"(document: {dsl: '1.0.0', namespace: test, name: hosts, version: '1.0.0'}
do:
  - work:
      run:
        shell:
          command: >-
            echo "$STIGMER_HOME" >> "$MARKS/$N";
            while [ ! -e "$MARKS/release" ]; do sleep 0.1; done; echo "done $N"
          environment:
            MARKS: ${ $workflow.input.marks }
            N: ${ $workflow.input.n | tostring }
        return: all
  - report:
      set:
        n: ${ $workflow.input.n }
        said: ${ .stdout }
)";

class WorkerHostsTest : public testing::TemporalDevServerSuite {
 protected:
  // A home whose stack uses the suite's Temporal instead of starting one.
  static void UseSharedTemporal(testing::StigmerHome& home) {
    home.env()["TEMPORAL_SERVICE_ADDRESS"] = temporal_address();
  }
  // Each host must hold the signing and payload keys of the stack that starts the runs.
  static void CopyKeys(const testing::StigmerHome& from, const testing::StigmerHome& to) {
    ASSERT_TRUE(MakeDirectories(to.paths().DataDir()).ok());
    for (const auto& [source, target] :
         {std::pair{from.paths().SigningKeyFile(), to.paths().SigningKeyFile()},
          std::pair{from.paths().PayloadKeyFile(), to.paths().PayloadKeyFile()}}) {
      absl::StatusOr<std::string> bytes = ReadFileToString(source);
      ASSERT_TRUE(bytes.ok()) << bytes.status();
      ASSERT_TRUE(WriteFileAtomically(target, *bytes).ok());
    }
  }
  // The identity a worker of the home gives Temporal: "<pid>@<host>".
  static std::string WorkerIdentity(const testing::StigmerHome& home,
                                    const char* worker = "workflow-runner") {
    return absl::StrCat(home.PidFromFile(home.paths().PidFile(worker)), "@");
  }
  // The identities of the workers that completed the run's workflow tasks, in order.
  static std::vector<std::string> TaskWorkers(const std::vector<temporal::HistoryEvent>& events) {
    std::vector<std::string> identities;
    for (const auto& event : events) {
      if (event.has_workflow_task_completed_event_attributes()) {
        identities.push_back(event.workflow_task_completed_event_attributes().identity());
      }
    }
    return identities;
  }
};

TEST_F(WorkerHostsTest, KilledWorkerHostLosesNoRun) {
  testing::StigmerHome a, b;
  testing::TempDir marks;
  // The keys of host a, made before its stack starts, copied to host b.
  absl::StatusOr<std::string> signing_key =
      config::LoadOrCreateKeyFile(a.paths().SigningKeyFile(), "signing key");
  ASSERT_TRUE(signing_key.ok()) << signing_key.status();
  absl::StatusOr<std::shared_ptr<const temporal::PayloadCodec>> codec =
      temporal::LoadOrCreatePayloadCodec(a.paths().PayloadKeyFile());
  ASSERT_TRUE(codec.ok()) << codec.status();
  CopyKeys(a, b);
  UseSharedTemporal(a);
  UseSharedTemporal(b);

  testing::CommandResult started = a.Run({"server"});
  ASSERT_EQ(started.exit_code, 0) << started.out << started.err;
  EXPECT_EQ(a.Component("temporal")["state"], "external") << a.StatusJson().dump();

  temporal::TemporalClientOptions client_options;
  client_options.address = temporal_address();
  client_options.codec = *codec;
  auto client = temporal::TemporalClient::Connect(client_options, absl::Seconds(10));
  ASSERT_TRUE(client.ok()) << client.status();
  absl::StatusOr<workflow::WorkflowDocument> document = workflow::ParseWorkflowDocument(kWorkflow);
  ASSERT_TRUE(document.ok()) << document.status();
  // Started as stigmer-server starts them: signed, on the shared task queue.
  auto start = [&](int n) {
    temporal::StartWorkflowOptions options;
    options.workflow_id = absl::StrCat("wex-hosts-", n);
    options.input = {
        nlohmann::json::parse(document->json.dump()),
        {{"n", n}, {"marks", marks.path().string()}},
        {{"environment", nlohmann::json::object()}, {"secrets", nlohmann::json::object()}}};
    options.signing_key = *signing_key;
    auto run = (*client)->StartWorkflow(options);
    EXPECT_TRUE(run.ok()) << run.status();
  };
  auto homes_that_ran = [&](int n) -> std::vector<std::string> {
    absl::StatusOr<std::string> text = ReadFileToString(marks.path() / std::to_string(n));
    if (!text.ok()) return {};
    return absl::StrSplit(*text, '\n', absl::SkipEmpty());
  };

  // An agent run whose one tool call holds like the workflows' commands; it may try the tool
  // twice, so the host that takes the run over runs it again.
  testing::ScriptedModelServer model;
  model.QueueToolCall(
      "call_1", "shell",
      {{"command", absl::StrCat("echo \"$STIGMER_HOME\" >> ", (marks.path() / "agent").string(),
                                "; while [ ! -e ", (marks.path() / "release").string(),
                                " ]; do sleep 0.1; done; echo held")}});
  model.QueueText("Done on the other host.");
  temporal::StartWorkflowOptions agent_run;
  agent_run.workflow_id = "aex-hosts";
  agent_run.workflow_type = agent::kAgentWorkflowType;
  agent_run.task_queue = agent::kAgentTaskQueue;
  agent_run.input = {
      {{"kind", "Agent"},
       {"name", "mover"},
       {"instructions", "Use the tools."},
       {"model",
        {{"provider", "openai-compatible"}, {"name", "scripted"}, {"base_url", model.base_url()}}},
       {"tools", {"shell"}},
       {"limits", {{"tool_attempts", 2}}}},
      {{"message", "Go"}},
      {{"environment", nlohmann::json::object()}, {"secrets", nlohmann::json::object()}}};
  agent_run.signing_key = *signing_key;

  // Runs 1-3 and the agent run start while only host a polls: each holds in its command on a.
  constexpr int kFirst = 3, kAll = 6;
  for (int n = 1; n <= kFirst; ++n) start(n);
  ASSERT_TRUE((*client)->StartWorkflow(agent_run).ok());
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        for (int n = 1; n <= kFirst; ++n) {
          if (homes_that_ran(n).empty()) return false;
        }
        return std::filesystem::exists(marks.path() / "agent");
      },
      absl::Seconds(30)))
      << "host a did not take the first runs";
  const std::string a_worker = WorkerIdentity(a);
  const std::string a_agent_worker = WorkerIdentity(a, "agent-runner");

  started = b.Run({"server"});
  ASSERT_EQ(started.exit_code, 0) << started.out << started.err;
  const std::string b_worker = WorkerIdentity(b);
  const std::string b_agent_worker = WorkerIdentity(b, "agent-runner");
  for (int n = kFirst + 1; n <= kAll; ++n) start(n);

  // Host a goes away at once: its daemon killed, its components die with it.
  const pid_t a_daemon = a.PidFromFile(a.paths().SupervisorPidFile());
  ASSERT_GT(a_daemon, 0);
  ASSERT_EQ(::kill(a_daemon, SIGKILL), 0);
  ASSERT_TRUE(testing::WaitFor(
      [&] { return !testing::ProcessAlive(a.PidFromFile(a.paths().PidFile("workflow-runner"))); },
      absl::Seconds(10)))
      << "host a's workflow-runner outlived its daemon";
  ASSERT_TRUE(WriteFileAtomically(marks.path() / "release", "").ok());

  for (int n = 1; n <= kAll; ++n) {
    SCOPED_TRACE(absl::StrCat("run ", n));
    const std::vector<temporal::HistoryEvent> events =
        testing::WaitClosedHistory(**client, absl::StrCat("wex-hosts-", n), absl::Seconds(60));
    ASSERT_FALSE(events.empty()) << "did not end";
    EXPECT_EQ(testing::CompletedOutput(events),
              nlohmann::json({{"n", n}, {"said", absl::StrCat("done ", n)}}));
    // Host b finished it, and its command ran to its end there.
    const std::vector<std::string> task_workers = TaskWorkers(events);
    ASSERT_FALSE(task_workers.empty());
    EXPECT_TRUE(task_workers.back().starts_with(b_worker)) << task_workers.back();
    const std::vector<std::string> ran_in = homes_that_ran(n);
    ASSERT_FALSE(ran_in.empty());
    EXPECT_EQ(ran_in.back(), b.paths().home().string());
    if (n <= kFirst) {
      // Begun on host a, taken over by host b: the command ran again there.
      EXPECT_EQ(ran_in.front(), a.paths().home().string());
      EXPECT_TRUE(task_workers.front().starts_with(a_worker)) << task_workers.front();
    }
  }
  {
    const std::vector<temporal::HistoryEvent> events =
        testing::WaitClosedHistory(**client, agent_run.workflow_id, absl::Seconds(60));
    ASSERT_FALSE(events.empty()) << "the agent run did not end";
    EXPECT_EQ(testing::CompletedOutput(events)["answer"], "Done on the other host.");
    const std::vector<std::string> task_workers = TaskWorkers(events);
    ASSERT_FALSE(task_workers.empty());
    EXPECT_TRUE(task_workers.front().starts_with(a_agent_worker)) << task_workers.front();
    EXPECT_TRUE(task_workers.back().starts_with(b_agent_worker)) << task_workers.back();
    // The tool began on host a and ran again on host b; the model's first answer, in history
    // before the kill, was not asked for again.
    absl::StatusOr<std::string> tool_ran_in = ReadFileToString(marks.path() / "agent");
    ASSERT_TRUE(tool_ran_in.ok()) << tool_ran_in.status();
    EXPECT_EQ(*tool_ran_in,
              absl::StrCat(a.paths().home().string(), "\n", b.paths().home().string(), "\n"));
    EXPECT_EQ(model.request_count(), 2u);
  }
  // Host b's own stack was not disturbed.
  EXPECT_EQ(b.Component("workflow-runner")["state"], "ready") << b.StatusJson().dump();
  EXPECT_EQ(b.Component("agent-runner")["state"], "ready") << b.StatusJson().dump();
}

}  // namespace
}  // namespace stigmer::daemon

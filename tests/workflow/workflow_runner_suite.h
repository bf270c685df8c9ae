#ifndef STIGMER_TESTS_WORKFLOW_WORKFLOW_RUNNER_SUITE_H_
#define STIGMER_TESTS_WORKFLOW_WORKFLOW_RUNNER_SUITE_H_

// workflow-runner's handlers polling a task queue of the real Temporal dev server, and helpers to
// start workflows the way stigmer-server does and read their histories.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "activities/activity_dispatcher.h"
#include "activities/activity_kinds.h"
#include "common/ulid.h"
#include "durable/workflow_task_handler.h"
#include "gtest/gtest.h"
#include "temporal/payloads.h"
#include "temporal/task_queue_poller.h"
#include "temporal/temporal_channel.h"
#include "temporal/temporal_client.h"
#include "testing/history_fixtures.h"
#include "testing/temporal_dev_server.h"
#include "testing/test_env.h"
#include "workflow/serverless_program.h"
#include "workflow/workflow_activities.h"
#include "workflow/workflow_document.h"

namespace stigmer::workflow {

namespace tapi = ::temporal::api;
using tapi::enums::v1::EventType;
using temporal::HistoryEvent;

inline constexpr char kHeader[] =
    "document: {dsl: '1.0.0', namespace: test, name: runner, version: '0.1.0'}\n";

class WorkflowRunnerTest : public testing::TemporalDevServerSuite {
 protected:
  void SetUp() override {
    TemporalDevServerSuite::SetUp();
    temporal::TemporalClientOptions client_options;
    client_options.address = temporal_address();
    client_options.codec = PayloadCodec();
    auto client = temporal::TemporalClient::Connect(client_options, absl::Seconds(10));
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = std::move(*client);
    queue_ =
        absl::StrCat("runner-", ::testing::UnitTest::GetInstance()->current_test_info()->name());

    StartWorker();
  }

  // Starts a worker (a poller and its handlers) as workflow-runner does, replacing the one that
  // runs (stopped first: a new worker knows nothing of the runs the old one kept).
  void StartWorker() {
    if (poller_) poller_->Stop();
    temporal::TaskQueuePollerOptions options;
    options.temporal_address = temporal_address();
    options.task_queue = queue_;
    options.identity = "runner-test";
    options.workflow_pollers = 2;
    options.activity_pollers = 1;
    options.channel = temporal::CreateTemporalChannel(temporal_address(), PayloadCodec());
    // As workflow-runner does: sticky execution on, unless a suite says otherwise.
    sticky_ = Sticky();
    options.sticky_task_queue = sticky_.queue;
    // As workflow-runner does: each activity kind on its own queue, with its own pollers.
    activities::ActivityLimits limits;
    activities::ActivitySlots slots;
    slots.http = slots.shell = 2;
    ConfigureActivities(limits, slots);
    options.activity_queues = activities::ActivityQueuesByKind(queue_, slots);
    ServerlessWorkflowOptions workflow_options;
    workflow_options.commands.task_queue = queue_;
    workflow_options.commands.activity_heartbeat_timeout = absl::Seconds(5);
    activities::ScheduleActivitiesByKind(queue_, limits, workflow_options.commands);
    Configure(workflow_options);
    poller_ = std::make_unique<temporal::TaskQueuePoller>(
        options, nullptr,
        std::make_unique<durable::WorkflowTaskHandler>(
            options.channel, "default", "runner-test", "workflow-runner", workflow_options,
            std::make_shared<ServerlessProgram>(workflow_options), sticky_),
        std::make_unique<activities::ActivityDispatcher>(options.channel, "default", "runner-test",
                                                         "workflow-runner",
                                                         WorkflowRunnerActivities(limits)));
    poller_->Start();
  }

  // The codec of the client and of the worker's channel; none unless a suite says so.
  virtual std::shared_ptr<const temporal::PayloadCodec> PayloadCodec() { return nullptr; }
  virtual void Configure(ServerlessWorkflowOptions&) {}
  virtual durable::StickyExecution Sticky() {
    return {.queue = absl::StrCat(queue_, "/sticky/", NewUlid(absl::Now()))};
  }
  virtual void ConfigureActivities(activities::ActivityLimits&, activities::ActivitySlots&) {}

  void TearDown() override {
    if (poller_) poller_->Stop();
  }

  // Starts `body` (YAML from `do:` on) on `input` as stigmer-server does; returns the id.
  std::string Start(const std::string& name, const std::string& body, const nlohmann::json& input,
                    nlohmann::json runtime = {{"environment", nlohmann::json::object()},
                                              {"secrets", nlohmann::json::object()}}) {
    absl::StatusOr<WorkflowDocument> document = ParseWorkflowDocument(absl::StrCat(kHeader, body));
    EXPECT_TRUE(document.ok()) << document.status();
    if (!document.ok()) return "";
    temporal::StartWorkflowOptions options;
    options.workflow_id = absl::StrCat("wex-", name);
    options.task_queue = queue_;
    options.input = {nlohmann::json::parse(document->json.dump()), input, std::move(runtime)};
    options.signing_key = signing_key_;
    auto run = client_->StartWorkflow(options);
    EXPECT_TRUE(run.ok()) << run.status();
    return options.workflow_id;
  }

  // The history once the run has closed (waits up to `timeout`).
  std::vector<durable::HistoryEvent> WaitClosed(const std::string& workflow_id,
                                                absl::Duration timeout = absl::Seconds(30)) {
    std::vector<durable::HistoryEvent> events;
    const bool closed = testing::WaitFor(
        [&] {
          auto history = client_->GetFullHistory(workflow_id);
          if (!history.ok() || history->empty()) return false;
          events = *std::move(history);
          switch (events.back().event_type()) {
            case EventType::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
            case EventType::EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
            case EventType::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
              return true;
            default:
              return false;
          }
        },
        timeout);
    EXPECT_TRUE(closed) << workflow_id << " did not close; last event "
                        << (events.empty() ? 0 : static_cast<int>(events.back().event_type()));
    return events;
  }

  static nlohmann::json Output(const std::vector<durable::HistoryEvent>& events) {
    if (events.empty() || !events.back().has_workflow_execution_completed_event_attributes()) {
      return "not completed";
    }
    auto output = temporal::DecodeJsonPayloadAt(
        events.back().workflow_execution_completed_event_attributes().result());
    return output.ok() ? *output : nlohmann::json("unreadable");
  }

  // The problem details a failed run closed with; "not failed" otherwise.
  static nlohmann::json FailureProblem(const std::vector<durable::HistoryEvent>& events) {
    if (events.empty() || !events.back().has_workflow_execution_failed_event_attributes()) {
      return "not failed";
    }
    auto problem = temporal::DecodeJsonPayloadAt(events.back()
                                                     .workflow_execution_failed_event_attributes()
                                                     .failure()
                                                     .application_failure_info()
                                                     .details());
    return problem.ok() ? *problem : nlohmann::json("unreadable");
  }

  static std::vector<std::string> MarkerPaths(const std::vector<durable::HistoryEvent>& events) {
    std::vector<std::string> paths;
    for (const durable::HistoryEvent& event : events) {
      if (!event.has_marker_recorded_event_attributes()) continue;
      const auto& details = event.marker_recorded_event_attributes().details();
      auto task = temporal::DecodeJsonPayloadAt(details.at("task"));
      if (task.ok()) paths.push_back((*task)["path"]);
    }
    return paths;
  }

  static int Count(const std::vector<durable::HistoryEvent>& events, EventType type) {
    int count = 0;
    for (const durable::HistoryEvent& event : events) count += event.event_type() == type ? 1 : 0;
    return count;
  }

  static void Save(const std::string& name, const std::vector<durable::HistoryEvent>& events) {
    testing::SaveHistoryFixture(absl::StrCat("workflow_", name), events);
  }

  // Waits until the run's history holds an event of `type`.
  bool WaitForEvent(const std::string& workflow_id, EventType type) {
    return testing::WaitFor(
        [&] {
          auto history = client_->GetFullHistory(workflow_id);
          return history.ok() && Count(*history, type) > 0;
        },
        absl::Seconds(20));
  }

  std::unique_ptr<temporal::TemporalClient> client_;
  std::string queue_;
  std::string signing_key_;  // Start signs with it when set, as stigmer-server does
  std::unique_ptr<temporal::TaskQueuePoller> poller_;
  durable::StickyExecution sticky_;
};

}  // namespace stigmer::workflow

#endif  // STIGMER_TESTS_WORKFLOW_WORKFLOW_RUNNER_SUITE_H_

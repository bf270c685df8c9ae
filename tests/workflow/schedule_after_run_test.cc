// The `schedule.after` driver (workflow/schedule_after_run.h) round by round on the durable
// core: it starts the run, waits `after` once the run ended (failed too), then continues as new
// with the next round, signed.

#include "workflow/schedule_after_run.h"

#include <string>
#include <vector>

#include "durable/testing_history_builder.h"
#include "durable/workflow_task_processor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "temporal/payloads.h"
#include "temporal/start_signature.h"
#include "workflow/serverless_program.h"

namespace stigmer::workflow {
namespace {

namespace tapi = ::temporal::api;
using durable::HistoryBuilder;
using durable::HistoryEvent;
using json = nlohmann::json;
using EventType = tapi::enums::v1::EventType;

const json kDocument = {{"document", {{"dsl", "1.0.0"}, {"name", "x"}, {"version", "1.0.0"}}},
                        {"do", json::array({{{"a", {{"set", {{"a", 1}}}}}}})}};

// `builder`'s events as a driver's history in round 3 (after 2 s, runs on queue "q").
std::vector<HistoryEvent> DriverHistory(const HistoryBuilder& builder) {
  std::vector<HistoryEvent> events = builder.events();
  for (HistoryEvent& event : events) {  // the builder's children are "parent"'s
    if (!event.has_start_child_workflow_execution_initiated_event_attributes()) continue;
    auto* child = event.mutable_start_child_workflow_execution_initiated_event_attributes();
    child->set_workflow_id("wfl-x" + child->workflow_id().substr(std::string("parent").size()));
  }
  auto* started = events[0].mutable_workflow_execution_started_event_attributes();
  started->mutable_workflow_type()->set_name("ServerlessWorkflow");
  json runtime = {
      {"secrets", json::object()},
      {kScheduleAfterKey, {{"after_ms", 2000}, {"round", 3}, {"task_queue", "q"}, {"version", 2}}}};
  *started->mutable_input() = temporal::JsonPayloads({kDocument, json::object(), runtime});
  temporal::AddStartSignature("key", "wfl-x", "ServerlessWorkflow", started->input(),
                              *started->mutable_header());
  return events;
}

durable::WorkflowTaskAnswer Process(const HistoryBuilder& builder) {
  ServerlessProgram program;
  durable::WorkflowTaskOptions options;
  options.signing_key = "key";
  options.commands.task_queue = "q";
  return durable::ProcessWorkflowTask(DriverHistory(builder), "wfl-x", 0, options, program);
}

TEST(ScheduleAfterRunTest, ARoundStartsTheRunWithoutTheDriversSettings) {
  HistoryBuilder builder;
  builder.Current();
  durable::WorkflowTaskAnswer answer = Process(builder);
  ASSERT_TRUE(answer.completed) << answer.message;
  ASSERT_EQ(answer.commands.size(), 1u);
  const auto& start = answer.commands[0].start_child_workflow_execution_command_attributes();
  EXPECT_EQ(start.workflow_id(), "wfl-x/runs/3#1");
  EXPECT_EQ(start.workflow_type().name(), "ServerlessWorkflow");
  EXPECT_EQ(start.task_queue().name(), "q");
  EXPECT_EQ(temporal::DecodeJsonPayloadAt(start.input(), 0).value(), kDocument);
  EXPECT_EQ(temporal::DecodeJsonPayloadAt(start.input(), 1).value(), json::object());
  EXPECT_FALSE(temporal::DecodeJsonPayloadAt(start.input(), 2).value().contains(kScheduleAfterKey));
  EXPECT_TRUE(temporal::VerifyStartSignature("key", start.workflow_id(), "ServerlessWorkflow",
                                             start.input(), start.header())
                  .ok());
}

TEST(ScheduleAfterRunTest, AFailedRunIsFollowedByTheWaitThenTheNextRound) {
  int64_t initiated = 0;
  HistoryBuilder builder;
  builder.ChildInitiated("/runs/3#1", "ServerlessWorkflow", &initiated)
      .ChildStarted(initiated, "run-1")
      .ChildEvent(EventType::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED, [&](HistoryEvent& event) {
        auto* failed = event.mutable_child_workflow_execution_failed_event_attributes();
        failed->set_initiated_event_id(initiated);
        failed->mutable_failure()->set_message("Boom");
      });
  HistoryBuilder waiting = builder;
  durable::WorkflowTaskAnswer answer = Process(waiting.Current());
  ASSERT_TRUE(answer.completed) << answer.message;
  ASSERT_EQ(answer.commands.size(), 1u);
  EXPECT_EQ(answer.commands[0].command_type(), tapi::enums::v1::COMMAND_TYPE_START_TIMER);
  EXPECT_EQ(answer.commands[0].start_timer_command_attributes().start_to_fire_timeout().seconds(),
            2);

  int64_t timer = 0;
  builder.Task()
      .ChildEvent(EventType::EVENT_TYPE_TIMER_STARTED,
                  [&](HistoryEvent& event) {
                    event.mutable_timer_started_event_attributes()->set_timer_id("/after#1");
                    timer = event.event_id();
                  })
      .ChildEvent(EventType::EVENT_TYPE_TIMER_FIRED,
                  [&](HistoryEvent& event) {
                    auto* fired = event.mutable_timer_fired_event_attributes();
                    fired->set_timer_id("/after#1");
                    fired->set_started_event_id(timer);
                  })
      .Current();
  answer = Process(builder);
  ASSERT_TRUE(answer.completed) << answer.message;
  ASSERT_EQ(answer.commands.size(), 1u);
  ASSERT_EQ(answer.commands[0].command_type(),
            tapi::enums::v1::COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION);
  const auto& next = answer.commands[0].continue_as_new_workflow_execution_command_attributes();
  EXPECT_EQ(next.input().payloads_size(), 3);
  const json runtime = temporal::DecodeJsonPayloadAt(next.input(), 2).value();
  EXPECT_EQ(runtime[kScheduleAfterKey]["round"], 4);
  EXPECT_EQ(runtime[kScheduleAfterKey]["after_ms"], 2000);
  EXPECT_TRUE(temporal::VerifyStartSignature("key", "wfl-x", "ServerlessWorkflow", next.input(),
                                             next.header())
                  .ok());
}

TEST(ScheduleAfterRunTest, AMalformedDriverSettingFailsTheRunSayingWhy) {
  HistoryBuilder builder;
  builder.Current();
  std::vector<HistoryEvent> events = builder.events();
  auto* started = events[0].mutable_workflow_execution_started_event_attributes();
  started->mutable_workflow_type()->set_name("ServerlessWorkflow");
  *started->mutable_input() = temporal::JsonPayloads(
      {kDocument, json::object(), {{kScheduleAfterKey, {{"after_ms", -1}, {"round", 1}}}}});
  ServerlessProgram program;
  durable::WorkflowTaskAnswer answer =
      durable::ProcessWorkflowTask(events, "wfl-x", 0, {}, program);
  ASSERT_TRUE(answer.completed) << answer.message;
  ASSERT_EQ(answer.commands.size(), 1u);
  EXPECT_EQ(answer.commands[0].command_type(),
            tapi::enums::v1::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION);
  EXPECT_THAT(answer.commands[0].DebugString(),
              ::testing::HasSubstr("runtime.schedule_after must be"));
}

}  // namespace
}  // namespace stigmer::workflow

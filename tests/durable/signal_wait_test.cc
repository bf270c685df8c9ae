// Waiting for a signal on the durable core (WorkflowContext::AwaitSignal): the history index
// keeps the signals and when the run sees them; a wait begins with a marker, takes the first
// matching signal that came after it, once, and replays to the same answer.

#include <optional>
#include <string>
#include <vector>

#include "durable/continue_as_new.h"
#include "durable/replay_context.h"
#include "durable/replay_history.h"
#include "durable/testing_history_builder.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "temporal/payloads.h"

namespace stigmer::durable {
namespace {

namespace tapi = ::temporal::api;
using tapi::enums::v1::EventType;
using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr char kName[] = "stigmer.approval";

// Accepts a payload whose call_id is `id`.
std::function<bool(const json&)> ForCall(const std::string& id) {
  return [id](const json& payload) {
    return payload.is_object() && payload.value("call_id", "") == id;
  };
}

absl::StatusOr<std::optional<json>> Await(ReplayContext& context, const std::string& path,
                                          const std::string& call) {
  return context.AwaitSignal(path, kName, {{"call", {{"id", call}}}}, ForCall(call));
}

TEST(SignalWaitTest, TheHistoryIndexKeepsSignalsAndWhenTheRunSeesThem) {
  const ReplayHistory history = HistoryBuilder()
                                    .Signal(kName, {{"call_id", "a"}})
                                    .Task()
                                    .Signal("other", 7)
                                    .Current()
                                    .Index();
  ASSERT_EQ(history.signals().size(), 2u);
  EXPECT_EQ(history.signals()[0].name, kName);
  EXPECT_EQ(history.signals()[0].input["call_id"], "a");
  EXPECT_EQ(history.signals()[0].observed_at, 1);  // the task after the first
  EXPECT_EQ(history.signals()[1].input, 7);
  EXPECT_EQ(history.signals()[1].observed_at, 2);  // the current task
}

TEST(SignalWaitTest, AnUnreadableSignalIsIgnoredNotABrokenHistory) {
  const ReplayHistory history =
      HistoryBuilder().Marker(kName, "/w").Task().RawSignal(kName, "{not json").Current().Index();
  ASSERT_EQ(history.signals().size(), 1u);
  EXPECT_TRUE(history.signals()[0].input.is_null());
  ReplayContext context(history, {});
  auto answer = context.AwaitSignal("/w", kName, json::object(),
                                    [](const json& payload) { return !payload.is_null(); });
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_FALSE(answer->has_value());
}

TEST(SignalWaitTest, AWaitBeginsWithAMarkerAndWaits) {
  const ReplayHistory history = HistoryBuilder().Current().Index();
  ReplayContext context(history, {});
  auto answer = Await(context, "/turns/1/tools/a/approval", "a");
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_FALSE(answer->has_value());
  const std::vector<Command> commands = context.TakeCommands();
  ASSERT_EQ(commands.size(), 1u);
  const auto& marker = commands[0].record_marker_command_attributes();
  EXPECT_EQ(marker.marker_name(), kName);
  auto data = temporal::DecodeJsonPayloadAt(marker.details().at(kMarkerDetailsKey));
  ASSERT_TRUE(data.ok());
  EXPECT_EQ((*data)["path"], "/turns/1/tools/a/approval");
  EXPECT_EQ((*data)["step"], "/turns/1/tools/a/approval#1");
  EXPECT_EQ((*data)["call"]["id"], "a");
  EXPECT_THAT(context.waiting_on(),
              ::testing::ElementsAre("/turns/1/tools/a/approval: signal " + std::string(kName)));
}

TEST(SignalWaitTest, ASignalAfterTheMarkerAnswersAndTheClockMovesToIt) {
  const ReplayHistory history = HistoryBuilder()
                                    .Marker(kName, "/w")
                                    .Task()
                                    .Task()
                                    .Signal(kName, {{"call_id", "a"}, {"approved", true}})
                                    .Current()
                                    .Index();
  ReplayContext context(history, {});
  auto answer = Await(context, "/w", "a");
  ASSERT_TRUE(answer.ok()) << answer.status();
  ASSERT_TRUE(answer->has_value());
  EXPECT_EQ((**answer)["approved"], true);
  EXPECT_EQ(context.Clock(), 3);
  EXPECT_TRUE(context.TakeCommands().empty());
  EXPECT_TRUE(context.CheckAllStepsReached().ok());
}

TEST(SignalWaitTest, ASignalBeforeTheWaitBeganIsNotItsAnswer) {
  const ReplayHistory history = HistoryBuilder()
                                    .Signal(kName, {{"call_id", "a"}})
                                    .Task()
                                    .Marker(kName, "/w")
                                    .Current()
                                    .Index();
  ReplayContext context(history, {});
  auto answer = Await(context, "/w", "a");
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_FALSE(answer->has_value());
  EXPECT_TRUE(context.waits_on_recorded_step());  // so the run does not continue as new
}

TEST(SignalWaitTest, ASignalForAnotherCallIsIgnored) {
  const ReplayHistory history = HistoryBuilder()
                                    .Marker(kName, "/w")
                                    .Task()
                                    .Signal(kName, {{"call_id", "b"}})
                                    .Current()
                                    .Index();
  ReplayContext context(history, {});
  auto answer = Await(context, "/w", "a");
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_FALSE(answer->has_value());
}

TEST(SignalWaitTest, TwoWaitsTakeTwoSignalsEachOnceAndReplayGivesTheSame) {
  const ReplayHistory history = HistoryBuilder()
                                    .Marker(kName, "/w/1")
                                    .Task()
                                    .Signal(kName, {{"call_id", "x"}, {"n", 1}})
                                    .Signal(kName, {{"call_id", "x"}, {"n", 2}})
                                    .Task()
                                    .Marker(kName, "/w/2")
                                    .Task()
                                    .Signal(kName, {{"call_id", "x"}, {"n", 3}})
                                    .Current()
                                    .Index();
  for (int replay = 0; replay < 2; ++replay) {
    ReplayContext context(history, {});
    auto first = Await(context, "/w/1", "x");
    auto second = Await(context, "/w/2", "x");
    ASSERT_TRUE(first.ok() && second.ok());
    ASSERT_TRUE(first->has_value() && second->has_value());
    EXPECT_EQ((**first)["n"], 1);
    // The second signal came before the second wait began: the third is its answer.
    EXPECT_EQ((**second)["n"], 3);
  }
}

TEST(SignalWaitTest, AWaitThatContinuesTakesWhatCameAfterTheFirstWaitsMarker) {
  const ReplayHistory history = HistoryBuilder()
                                    .Marker(kName, "/w")
                                    .Task()
                                    .Signal(kName, {{"call_id", "x"}, {"n", 1}})
                                    .Signal(kName, {{"call_id", "x"}, {"n", 2}})
                                    .Task()
                                    .Marker(kName, "/w", 2)
                                    .Task()
                                    .Signal(kName, {{"call_id", "x"}, {"n", 3}})
                                    .Current()
                                    .Index();
  for (int replay = 0; replay < 2; ++replay) {
    ReplayContext context(history, {});
    auto first = context.AwaitSignal("/w", kName, json::object(), ForCall("x"));
    auto next = context.AwaitSignal("/w", kName, {{kContinuesWaitKey, true}}, ForCall("x"));
    ASSERT_TRUE(first.ok() && next.ok());
    ASSERT_TRUE(first->has_value() && next->has_value());
    EXPECT_EQ((**first)["n"], 1);
    EXPECT_EQ((**next)["n"], 2);  // it came before the second marker, after the first
  }
  ReplayContext fresh(history, {});  // a new wait at the same path counts from its own marker
  ASSERT_TRUE(fresh.AwaitSignal("/w", kName, json::object(), ForCall("x")).ok());
  auto second = fresh.AwaitSignal("/w", kName, json::object(), ForCall("x"));
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ((**second)["n"], 3);
}

TEST(SignalWaitTest, AWaitThatContinuesTakesAtOnceWhatHistoryHoldsAndRecordsItsMarker) {
  const ReplayHistory history = HistoryBuilder()
                                    .Marker(kName, "/w")
                                    .Task()
                                    .Signal(kName, {{"call_id", "x"}, {"n", 1}})
                                    .Signal(kName, {{"call_id", "x"}, {"n", 2}})
                                    .Current()
                                    .Index();
  ReplayContext context(history, {});
  auto first = context.AwaitSignal("/w", kName, json::object(), ForCall("x"));
  auto next = context.AwaitSignal("/w", kName, {{kContinuesWaitKey, true}}, ForCall("x"));
  auto none = context.AwaitSignal("/w", kName, {{kContinuesWaitKey, true}}, ForCall("x"));
  ASSERT_TRUE(first.ok() && next.ok() && none.ok());
  ASSERT_TRUE(next->has_value());
  EXPECT_EQ((**next)["n"], 2);
  EXPECT_FALSE(none->has_value());               // nothing left: it waits
  EXPECT_EQ(context.TakeCommands().size(), 2u);  // the markers of the two new waits
}

TEST(SignalWaitTest, AMarkerOfAnotherNameIsNonDeterminism) {
  const ReplayHistory history = HistoryBuilder().Marker("other", "/w").Current().Index();
  ReplayContext context(history, {});
  auto answer = Await(context, "/w", "a");
  EXPECT_TRUE(absl::IsFailedPrecondition(answer.status())) << answer.status();
  EXPECT_THAT(answer.status().message(), HasSubstr("\"other\" marker in history"));
}

TEST(SignalWaitTest, SignalsAndWaitsAreCarriedIntoTheNextRun) {
  const ReplayHistory history = HistoryBuilder()
                                    .Marker(kName, "/w")
                                    .Task()
                                    .Signal(kName, {{"call_id", "a"}, {"approved", false}})
                                    .Current()
                                    .Index();
  ReplayContext context(history, {});
  ASSERT_TRUE(Await(context, "/w", "a").ok());
  std::optional<Command> next = ContinueAsNew(history, context, "q", 1 << 20);
  ASSERT_TRUE(next.has_value());
  const auto& attributes = next->continue_as_new_workflow_execution_command_attributes();
  EXPECT_EQ(attributes.workflow_type().name(), "StigmerAgent");

  // The next run: its start carries the steps, its history has none of those events.
  std::vector<HistoryEvent> events(1);
  events[0].set_event_id(1);
  events[0].set_event_type(EventType::EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
  auto* started = events[0].mutable_workflow_execution_started_event_attributes();
  *started->mutable_input() = attributes.input();
  events.emplace_back().set_event_type(EventType::EVENT_TYPE_WORKFLOW_TASK_STARTED);
  events.back().set_event_id(2);
  absl::StatusOr<ReplayHistory> carried = ReplayHistory::Index(events);
  ASSERT_TRUE(carried.ok()) << carried.status();
  ReplayContext replay(*carried, {});
  auto answer = Await(replay, "/w", "a");
  ASSERT_TRUE(answer.ok()) << answer.status();
  ASSERT_TRUE(answer->has_value());
  EXPECT_EQ((**answer)["approved"], false);
  EXPECT_TRUE(replay.TakeCommands().empty());
}

}  // namespace
}  // namespace stigmer::durable

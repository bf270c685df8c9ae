// `listen` on the real Temporal dev server: the test sends the "stigmer.event" signals that
// stigmer-server's event delivery would (common/cloud_event.h), duplicates and strangers included.
#include <string>

#include "common/cloud_event.h"
#include "gtest/gtest.h"
#include "workflow_runner_suite.h"

namespace stigmer::workflow {
namespace {

nlohmann::json Event(const std::string& id, const std::string& type, nlohmann::json data) {
  return {{"specversion", "1.0"}, {"id", id}, {"source", "/test"}, {"type", type}, {"data", data}};
}

class ListenTest : public WorkflowRunnerTest {
 protected:
  // Waits until the run has recorded that it listens (its n-th wait), as the server would see.
  void WaitListening(const std::string& id, int waits = 1) {
    EXPECT_TRUE(testing::WaitFor(
        [&] {
          auto history = client_->GetFullHistory(id);
          if (!history.ok()) return false;
          int seen = 0;
          for (const auto& event : *history) {
            seen += event.has_marker_recorded_event_attributes() &&
                    event.marker_recorded_event_attributes().marker_name() == kEventSignalName;
          }
          return seen >= waits;
        },
        absl::Seconds(30)))
        << id << " never listened";
  }

  void Deliver(const std::string& id, int64_t sequence, const nlohmann::json& event) {
    ASSERT_TRUE(
        client_
            ->SignalWorkflow(id, "", kEventSignalName,
                             {{"sequence", sequence}, {"path", "/do/0/hear"}, {"event", event}})
            .ok());
  }
};

TEST_F(ListenTest, ADuplicateEventDeliveredTwiceIsConsumedOnce) {
  const std::string id = Start("listen-duplicate", R"(do:
  - hear:
      listen:
        to:
          any: []
          until: ${ length >= 2 }
)",
                               nlohmann::json::object());
  WaitListening(id);
  Deliver(id, 1, Event("e1", "ping", {{"n", 1}}));
  WaitListening(id, 2);
  Deliver(id, 1, Event("e1", "ping", {{"n", 1}}));
  Deliver(id, 2, Event("e2", "ping", {{"n", 2}}));
  EXPECT_EQ(Output(WaitClosed(id)), nlohmann::json::parse(R"([{"n": 1}, {"n": 2}])"));
}

TEST_F(ListenTest, AllWaitsForEachFilterAndIgnoresEventsThatDoNotMatch) {
  const std::string id = Start("listen-all", R"(do:
  - hear:
      listen:
        to:
          all:
            - with: {type: order.placed}
            - with: {type: order.paid, data: '${ .amount > 10 }'}
        read: envelope
  - summary:
      set:
        types: ${ map(.type) }
)",
                               nlohmann::json::object());
  WaitListening(id);
  Deliver(id, 1, Event("x", "unrelated", nullptr));
  Deliver(id, 2, Event("cheap", "order.paid", {{"amount", 5}}));
  Deliver(id, 3, Event("p", "order.paid", {{"amount", 50}}));
  WaitListening(id, 2);
  Deliver(id, 4, Event("o", "order.placed", {{"order", 7}}));
  EXPECT_EQ(Output(WaitClosed(id)),
            nlohmann::json::parse(R"({"types": ["order.paid", "order.placed"]})"));
}

TEST_F(ListenTest, ForeachRunsItsTasksOnEachEventInTurn) {
  const std::string id = Start("listen-foreach", R"(do:
  - hear:
      listen:
        to:
          any:
            - with: {type: reading}
          until:
            one:
              with: {type: done}
      foreach:
        item: reading
        at: i
        do:
          - double:
              set:
                value: ${ $reading.v * 2 }
                at: ${ $i }
)",
                               nlohmann::json::object());
  WaitListening(id);
  Deliver(id, 1, Event("r1", "reading", {{"v", 1}}));
  WaitListening(id, 2);
  Deliver(id, 2, Event("r2", "reading", {{"v", 5}}));
  WaitListening(id, 3);
  Deliver(id, 3, Event("end", "done", nullptr));
  EXPECT_EQ(Output(WaitClosed(id)),
            nlohmann::json::parse(R"([{"value": 2, "at": 0}, {"value": 10, "at": 1}])"));
}

TEST_F(ListenTest, CorrelateTakesOnlyTheRoomItsExpectReadsFromTheInput) {
  const std::string id = Start("listen-correlate", R"(do:
  - hear:
      listen:
        to:
          any:
            - with: {type: reading}
              correlate:
                room: {from: .roomid, expect: '${ .room }'}
          until: ${ length >= 2 }
)",
                               {{"room", "kitchen"}});
  auto reading = [](const std::string& id, const std::string& room, int v) {
    nlohmann::json event = Event(id, "reading", {{"v", v}});
    event["roomid"] = room;
    return event;
  };
  WaitListening(id);
  Deliver(id, 1, reading("g1", "garage", 1));
  Deliver(id, 2, Event("none", "reading", {{"v", 2}}));  // no room
  Deliver(id, 3, reading("k1", "kitchen", 3));
  WaitListening(id, 2);
  Deliver(id, 4, reading("g2", "garage", 4));
  Deliver(id, 5, reading("k2", "kitchen", 5));
  EXPECT_EQ(Output(WaitClosed(id)), nlohmann::json::parse(R"([{"v": 3}, {"v": 5}])"));
}

TEST_F(ListenTest, ANeverMatchingListenCanBeCancelled) {
  const std::string id = Start("listen-cancel", R"(do:
  - hear:
      listen:
        to:
          one:
            with: {type: never}
)",
                               nlohmann::json::object());
  WaitListening(id);
  Deliver(id, 1, Event("other", "sometimes", nullptr));
  ASSERT_TRUE(client_->RequestCancel(id, "", "test").ok());
  std::vector<durable::HistoryEvent> events = WaitClosed(id);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().event_type(), EventType::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
}

}  // namespace
}  // namespace stigmer::workflow

#ifndef STIGMER_TESTS_DURABLE_TESTING_HISTORY_BUILDER_H_
#define STIGMER_TESTS_DURABLE_TESTING_HISTORY_BUILDER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "durable/replay_history.h"
#include "gtest/gtest.h"
#include "temporal/payloads.h"

namespace stigmer::durable {

// A run's history, event by event; each workflow task one second after the last.
class HistoryBuilder {
 public:
  using EventType = ::temporal::api::enums::v1::EventType;
  using json = nlohmann::json;

  HistoryBuilder() {
    auto* started = Add(EventType::EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
                        .mutable_workflow_execution_started_event_attributes();
    started->mutable_workflow_type()->set_name("StigmerAgent");
    *started->mutable_input() = temporal::JsonPayloads({{}, {}, {}});
    Task();
  }

  // A workflow task, scheduled, started and completed.
  HistoryBuilder& Task() {
    Add(EventType::EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    const int64_t started = Add(EventType::EVENT_TYPE_WORKFLOW_TASK_STARTED).event_id();
    Add(EventType::EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
        .mutable_workflow_task_completed_event_attributes()
        ->set_started_event_id(started);
    return *this;
  }
  // The current workflow task: scheduled and started.
  HistoryBuilder& Current() {
    Add(EventType::EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    Add(EventType::EVENT_TYPE_WORKFLOW_TASK_STARTED);
    return *this;
  }
  HistoryBuilder& Marker(const std::string& name, const std::string& path, int occurrence = 1) {
    auto* marker =
        Add(EventType::EVENT_TYPE_MARKER_RECORDED).mutable_marker_recorded_event_attributes();
    marker->set_marker_name(name);
    (*marker->mutable_details())[kMarkerDetailsKey] =
        temporal::JsonPayloads({{{"path", path}, {"step", StepId(path, occurrence)}}});
    return *this;
  }
  HistoryBuilder& Signal(const std::string& name, const json& payload) {
    auto* signal = Add(EventType::EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
                       .mutable_workflow_execution_signaled_event_attributes();
    signal->set_signal_name(name);
    *signal->mutable_input() = temporal::JsonPayloads({payload});
    return *this;
  }
  HistoryBuilder& RawSignal(const std::string& name, const std::string& data) {
    auto* signal = Add(EventType::EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
                       .mutable_workflow_execution_signaled_event_attributes();
    signal->set_signal_name(name);
    auto* payload = signal->mutable_input()->add_payloads();
    (*payload->mutable_metadata())["encoding"] = "json/plain";
    payload->set_data(data);
    return *this;
  }

  // A child workflow started by the step `step_id` of parent "parent" (its initiated event;
  // returns the event id through `initiated`).
  HistoryBuilder& ChildInitiated(const std::string& step_id, const std::string& type,
                                 int64_t* initiated) {
    auto& event = Add(EventType::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED);
    auto* attributes = event.mutable_start_child_workflow_execution_initiated_event_attributes();
    attributes->set_workflow_id("parent" + step_id);
    attributes->mutable_workflow_type()->set_name(type);
    *initiated = event.event_id();
    return *this;
  }
  HistoryBuilder& ChildStarted(int64_t initiated, const std::string& run_id) {
    auto* attributes = Add(EventType::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED)
                           .mutable_child_workflow_execution_started_event_attributes();
    attributes->set_initiated_event_id(initiated);
    attributes->mutable_workflow_execution()->set_run_id(run_id);
    return *this;
  }
  HistoryBuilder& ChildCompleted(int64_t initiated, const json& result) {
    auto* attributes = Add(EventType::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED)
                           .mutable_child_workflow_execution_completed_event_attributes();
    attributes->set_initiated_event_id(initiated);
    *attributes->mutable_result() = temporal::JsonPayloads({result});
    return *this;
  }
  // Any other event about the child, set up by `fill`.
  HistoryBuilder& ChildEvent(EventType type, const std::function<void(HistoryEvent&)>& fill) {
    fill(Add(type));
    return *this;
  }
  HistoryBuilder& CancelRequested() {
    Add(EventType::EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
    return *this;
  }
  const std::vector<HistoryEvent>& events() const { return events_; }

  ReplayHistory Index() const {
    absl::StatusOr<ReplayHistory> history = ReplayHistory::Index(events_);
    EXPECT_TRUE(history.ok()) << history.status();
    return *std::move(history);
  }

 private:
  HistoryEvent& Add(EventType type) {
    HistoryEvent& event = events_.emplace_back();
    event.set_event_id(static_cast<int64_t>(events_.size()));
    event.set_event_type(type);
    event.mutable_event_time()->set_seconds(1700000000 + static_cast<int64_t>(events_.size()));
    return event;
  }

  std::vector<HistoryEvent> events_;
};

}  // namespace stigmer::durable

#endif  // STIGMER_TESTS_DURABLE_TESTING_HISTORY_BUILDER_H_

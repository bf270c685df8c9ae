// The projection of histories recorded from the real Temporal dev server
// (tests/temporal/temporal_client_recorder_integration_test.cc wrote tests/fixtures/histories).

#include "server/execution_projection.h"

#include <string>
#include <vector>

#include "durable/quiet_workflow_task.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "temporal/payloads.h"
#include "testing/history_fixtures.h"

namespace stigmer::server {
namespace {

namespace enums = ::temporal::api::enums::v1;
using google::protobuf::util::MessageDifferencer;
using google::protobuf::util::TimeUtil;
using stigmer::v1::Execution;

std::vector<HistoryEvent> LoadHistory(const std::string& name) {
  return testing::LoadHistoryFixture(name);
}

// The record the server holds before any event: its own fields only.
Execution Stored() {
  Execution execution;
  execution.set_id("wex-fixture");
  execution.set_workflow("fixture");
  execution.set_workflow_version(1);
  execution.set_phase(stigmer::v1::EXECUTION_PHASE_PENDING);
  execution.set_input(R"({"name":"world"})");
  execution.set_temporal_workflow_id("wex-fixture");
  return execution;
}

Execution Project(const std::vector<HistoryEvent>& events) {
  Execution execution = Stored();
  ApplyHistoryEvents(events, &execution);
  return execution;
}

const HistoryEvent& Find(const std::vector<HistoryEvent>& events, enums::EventType type) {
  for (const HistoryEvent& event : events) {
    if (event.event_type() == type) return event;
  }
  ADD_FAILURE() << "no event of type " << type;
  return events.front();
}

TEST(ExecutionProjectionTest, CompletedExecution) {
  const auto events = LoadHistory("completed");
  const Execution execution = Project(events);
  EXPECT_EQ(execution.phase(), stigmer::v1::EXECUTION_PHASE_COMPLETED);
  EXPECT_EQ(execution.output(), R"({"greeting":"hello"})");
  EXPECT_FALSE(execution.has_error());
  EXPECT_EQ(execution.started_at(), events.front().event_time());
  EXPECT_EQ(execution.ended_at(), events.back().event_time());
  EXPECT_EQ(
      execution.temporal_run_id(),
      events.front().workflow_execution_started_event_attributes().original_execution_run_id());
  EXPECT_FALSE(execution.temporal_run_id().empty());
  // Own fields are kept.
  EXPECT_EQ(execution.id(), "wex-fixture");
  EXPECT_EQ(execution.input(), R"({"name":"world"})");

  ASSERT_EQ(execution.tasks_size(), 2);
  const auto& fetch = execution.tasks(0);  // an activity, then its marker: one entry
  EXPECT_EQ(fetch.path(), "/do/0/fetch");
  EXPECT_EQ(fetch.name(), "fetch");
  EXPECT_EQ(fetch.phase(), stigmer::v1::TASK_PHASE_COMPLETED);
  EXPECT_LE(fetch.started_at(),
            Find(events, enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).event_time());
  EXPECT_EQ(fetch.ended_at(), Find(events, enums::EVENT_TYPE_MARKER_RECORDED).event_time());
  const auto& greet = execution.tasks(1);
  EXPECT_EQ(greet.path(), "/do/1/greet");
  EXPECT_EQ(greet.name(), "greet");
  EXPECT_EQ(greet.phase(), stigmer::v1::TASK_PHASE_COMPLETED);
  EXPECT_LE(greet.started_at(), greet.ended_at());
}

TEST(ExecutionProjectionTest, ApplyingTwiceOrInBatchesGivesTheSameRecord) {
  for (const char* name : {"completed", "failed_dsl", "failed_runtime", "cancelled", "terminated",
                           "timed_out", "continued_as_new"}) {
    SCOPED_TRACE(name);
    const auto events = LoadHistory(name);
    const Execution once = Project(events);
    Execution twice = once;
    ApplyHistoryEvents(events, &twice);
    EXPECT_TRUE(MessageDifferencer::Equals(once, twice));

    // As a follower delivers: one event at a time, every batch delivered twice, then the whole
    // history again.
    ExecutionProjection projection(Stored());
    for (const HistoryEvent& event : events) {
      projection.Apply(std::vector<HistoryEvent>{event});
      projection.Apply(std::vector<HistoryEvent>{event});
    }
    projection.Apply(events);
    EXPECT_TRUE(MessageDifferencer::Equals(once, projection.execution()))
        << once.DebugString() << "\nvs\n"
        << projection.execution().DebugString();
  }
}

TEST(ExecutionProjectionTest, RunningExecutionShowsTheTaskInFlight) {
  auto events = LoadHistory("completed");
  size_t scheduled = 0;
  while (events[scheduled].event_type() != enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) ++scheduled;
  events.resize(scheduled + 1);
  const Execution execution = Project(events);
  EXPECT_EQ(execution.phase(), stigmer::v1::EXECUTION_PHASE_RUNNING);
  EXPECT_FALSE(execution.has_ended_at());
  EXPECT_TRUE(execution.output().empty());
  ASSERT_EQ(execution.tasks_size(), 1);
  EXPECT_EQ(execution.tasks(0).path(), "/do/0/fetch");
  EXPECT_EQ(execution.tasks(0).phase(), stigmer::v1::TASK_PHASE_RUNNING);
  EXPECT_EQ(execution.tasks(0).started_at(), events.back().event_time());
}

TEST(ExecutionProjectionTest, FailedWithDslError) {
  const auto events = LoadHistory("failed_dsl");
  const Execution execution = Project(events);
  EXPECT_EQ(execution.phase(), stigmer::v1::EXECUTION_PHASE_FAILED);
  EXPECT_EQ(execution.error().type(),
            "https://serverlessworkflow.io/spec/1.0.0/errors/communication");
  EXPECT_EQ(execution.error().status(), 404);
  EXPECT_EQ(execution.error().title(), "Not Found");
  EXPECT_EQ(execution.error().detail(), "GET http://127.0.0.1:8080/missing answered 404");
  EXPECT_EQ(execution.error().instance(), "/do/1/fetch");
  EXPECT_EQ(execution.ended_at(), events.back().event_time());
  ASSERT_EQ(execution.tasks_size(), 2);
  EXPECT_EQ(execution.tasks(0).path(), "/do/0/prepare");
  EXPECT_EQ(execution.tasks(0).phase(), stigmer::v1::TASK_PHASE_COMPLETED);
  EXPECT_EQ(execution.tasks(1).path(), "/do/1/fetch");
  EXPECT_EQ(execution.tasks(1).phase(), stigmer::v1::TASK_PHASE_FAILED);
  EXPECT_EQ(execution.tasks(1).ended_at(),
            Find(events, enums::EVENT_TYPE_ACTIVITY_TASK_FAILED).event_time());
}

TEST(ExecutionProjectionTest, FailedWithOtherFailureIsARuntimeError) {
  const Execution execution = Project(LoadHistory("failed_runtime"));
  EXPECT_EQ(execution.phase(), stigmer::v1::EXECUTION_PHASE_FAILED);
  EXPECT_EQ(execution.error().type(), kRuntimeErrorType);
  EXPECT_EQ(execution.error().status(), 500);
  EXPECT_EQ(execution.error().title(), "interpreter crashed");
  EXPECT_EQ(execution.error().detail(), "std::bad_alloc");
}

// `events` as if the run had been started with `secrets` as its --secret values.
std::vector<HistoryEvent> WithSecrets(std::vector<HistoryEvent> events,
                                      const nlohmann::json& secrets) {
  auto* input =
      events.front().mutable_workflow_execution_started_event_attributes()->mutable_input();
  while (input->payloads_size() < 3) *input->add_payloads() = temporal::JsonPayload(nullptr);
  *input->mutable_payloads(2) =
      temporal::JsonPayload({{"environment", nlohmann::json::object()}, {"secrets", secrets}});
  return events;
}

TEST(ExecutionProjectionTest, SecretValuesNeverReachTheRecordsOutputOrError) {
  const Execution completed =
      Project(WithSecrets(LoadHistory("completed"), {{"GREETING", "hello"}}));
  EXPECT_EQ(completed.output(), R"({"greeting":"***"})");

  const Execution failed =
      Project(WithSecrets(LoadHistory("failed_runtime"), {{"A", "bad_alloc"}, {"B", "crashed"}}));
  EXPECT_EQ(failed.error().title(), "interpreter ***");
  EXPECT_EQ(failed.error().detail(), "std::***");
}

TEST(ExecutionProjectionTest, CancelledAndTerminated) {
  const auto cancelled_events = LoadHistory("cancelled");
  const Execution cancelled = Project(cancelled_events);
  EXPECT_EQ(cancelled.phase(), stigmer::v1::EXECUTION_PHASE_CANCELLED);
  EXPECT_EQ(cancelled.error().title(), "Execution cancelled");
  EXPECT_EQ(cancelled.error().detail(), "the user cancelled it");
  EXPECT_EQ(cancelled.ended_at(), cancelled_events.back().event_time());
  ASSERT_EQ(cancelled.tasks_size(), 1);
  EXPECT_EQ(cancelled.tasks(0).name(), "first");

  const Execution terminated = Project(LoadHistory("terminated"));
  EXPECT_EQ(terminated.phase(), stigmer::v1::EXECUTION_PHASE_CANCELLED);
  EXPECT_EQ(terminated.error().title(), "Execution terminated");
  EXPECT_EQ(terminated.error().detail(), "stopped by the test");
  EXPECT_TRUE(terminated.has_ended_at());
}

TEST(ExecutionProjectionTest, TimedOutIsATimeoutError) {
  const Execution execution = Project(LoadHistory("timed_out"));
  EXPECT_EQ(execution.phase(), stigmer::v1::EXECUTION_PHASE_FAILED);
  EXPECT_EQ(execution.error().type(), kTimeoutErrorType);
  EXPECT_EQ(execution.error().status(), 408);
  EXPECT_TRUE(execution.has_ended_at());
}

TEST(ExecutionProjectionTest, ContinuedAsNewFollowsTheNewRun) {
  const auto events = LoadHistory("continued_as_new");
  size_t boundary = 0;
  while (events[boundary].event_type() != enums::EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW) {
    ++boundary;
  }
  const std::string new_run = events[boundary]
                                  .workflow_execution_continued_as_new_event_attributes()
                                  .new_execution_run_id();
  // At the end of the first run: still RUNNING, on the new run.
  const Execution between = Project({events.begin(), events.begin() + boundary + 1});
  EXPECT_EQ(between.phase(), stigmer::v1::EXECUTION_PHASE_RUNNING);
  EXPECT_EQ(between.temporal_run_id(), new_run);
  EXPECT_FALSE(between.has_ended_at());

  const Execution execution = Project(events);
  EXPECT_EQ(execution.phase(), stigmer::v1::EXECUTION_PHASE_COMPLETED);
  EXPECT_EQ(execution.temporal_run_id(), new_run);
  EXPECT_EQ(execution.output(), R"({"n":2})");
  EXPECT_EQ(execution.started_at(), events.front().event_time());
  ASSERT_EQ(execution.tasks_size(), 2);
  EXPECT_EQ(execution.tasks(0).name(), "first");
  EXPECT_EQ(execution.tasks(1).name(), "second");
}

// Synthetic events for what the recorded histories do not show.
HistoryEvent MarkerEvent(int64_t id, const nlohmann::json& task, bool failed = false) {
  HistoryEvent event;
  event.set_event_id(id);
  event.set_event_type(enums::EVENT_TYPE_MARKER_RECORDED);
  *event.mutable_event_time() = TimeUtil::MillisecondsToTimestamp(1'700'000'000'000 + id);
  auto* marker = event.mutable_marker_recorded_event_attributes();
  marker->set_marker_name(kTaskMarkerName);
  (*marker->mutable_details())[kTaskMarkerDetailsKey] = temporal::JsonPayloads({task});
  if (failed) marker->mutable_failure()->set_message("failed");
  return event;
}

TEST(ExecutionProjectionTest, EveryLoopIterationIsATaskOfItsOwn) {
  const nlohmann::json step = {{"path", "/do/0/loop/for/do/0/step"},
                               {"name", "step"},
                               {"started_at_ms", 1'700'000'000'000},
                               {"ended_at_ms", 1'700'000'000'005}};
  const Execution execution =
      Project({MarkerEvent(5, step), MarkerEvent(6, step), MarkerEvent(7, step, /*failed=*/true)});
  ASSERT_EQ(execution.tasks_size(), 3);
  EXPECT_EQ(execution.tasks(0).phase(), stigmer::v1::TASK_PHASE_COMPLETED);
  EXPECT_EQ(execution.tasks(2).phase(), stigmer::v1::TASK_PHASE_FAILED);
  EXPECT_EQ(TimeUtil::TimestampToMilliseconds(execution.tasks(0).started_at()), 1'700'000'000'000);
  EXPECT_EQ(TimeUtil::TimestampToMilliseconds(execution.tasks(0).ended_at()), 1'700'000'000'005);
}

HistoryEvent ActivityScheduled(int64_t id, const std::string& path) {
  HistoryEvent event;
  event.set_event_id(id);
  event.set_event_type(enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
  auto* scheduled = event.mutable_activity_task_scheduled_event_attributes();
  scheduled->mutable_activity_type()->set_name("http");
  *scheduled->mutable_input() = temporal::JsonPayloads({{{"path", path}, {"name", "a"}}});
  return event;
}

std::vector<std::string> Paths(const Execution& execution) {
  std::vector<std::string> paths;
  for (const auto& task : execution.tasks()) paths.push_back(task.path());
  return paths;
}

// Tasks used to be listed in the order they ended: a composite after the tasks inside it.
TEST(ExecutionProjectionTest, CompositeTasksAreListedBeforeTheTasksInsideThem) {
  HistoryEvent completed;
  completed.set_event_id(10);
  completed.set_event_type(enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
  completed.mutable_activity_task_completed_event_attributes()->set_scheduled_event_id(7);
  const Execution execution = Project({
      MarkerEvent(5, {{"path", "/do/0/outer/do/0/a"}, {"name", "a"}}),
      MarkerEvent(6, {{"path", "/do/0/outer/do/1/b"}, {"name", "b"}}),
      ActivityScheduled(7, "/do/1/f/fork/branches/0/A"),  // still running past the next ones
      MarkerEvent(8, {{"path", "/do/0/outer"}, {"name", "outer"}, {"descendants", 2}}),
      MarkerEvent(9, {{"path", "/do/1/f/fork/branches/1/B/do/0/c"}, {"name", "c"}}),
      completed,
      MarkerEvent(11, {{"path", "/do/1/f/fork/branches/1/B"}, {"name", "B"}, {"descendants", 1}}),
      MarkerEvent(12, {{"path", "/do/1/f/fork/branches/0/A"}, {"name", "A"}}),
      MarkerEvent(13, {{"path", "/do/1/f"}, {"name", "f"}, {"descendants", 3}}),
      MarkerEvent(14, {{"path", "/do/0/outer/do/0/a"}, {"name", "a"}}),
      MarkerEvent(15, {{"path", "/do/0/outer"}, {"name", "outer"}, {"descendants", 1}}),
  });
  EXPECT_EQ(Paths(execution),
            (std::vector<std::string>{
                "/do/0/outer", "/do/0/outer/do/0/a", "/do/0/outer/do/1/b", "/do/1/f",
                "/do/1/f/fork/branches/0/A", "/do/1/f/fork/branches/1/B",
                "/do/1/f/fork/branches/1/B/do/0/c", "/do/0/outer", "/do/0/outer/do/0/a"}));
  for (const auto& task : execution.tasks()) {
    EXPECT_EQ(task.phase(), stigmer::v1::TASK_PHASE_COMPLETED) << task.path();
  }
}

// A failed task and one cancelled mid-wait used to be missing from the tasks.
TEST(ExecutionProjectionTest, FailedAndCancelledTasksKeepTheirEndState) {
  HistoryEvent raised = MarkerEvent(5, {{"path", "/do/0/check"}, {"name", "check"}});
  auto* failure = raised.mutable_marker_recorded_event_attributes()->mutable_failure();
  failure->set_message("Out of stock");
  failure->mutable_application_failure_info()->set_type("https://example.com/errors/oos");
  *failure->mutable_application_failure_info()->mutable_details() =
      temporal::JsonPayloads({{{"type", "https://example.com/errors/oos"},
                               {"status", 422},
                               {"title", "Out of stock"},
                               {"instance", "/do/0/check"}}});
  HistoryEvent cancelled = MarkerEvent(7, {{"path", "/do/1/call"}, {"name", "call"}});
  cancelled.mutable_marker_recorded_event_attributes()
      ->mutable_failure()
      ->mutable_canceled_failure_info();
  HistoryEvent paused = MarkerEvent(8, {{"path", "/do/2/pause"}, {"name", "pause"}});
  *paused.mutable_marker_recorded_event_attributes()->mutable_failure() =
      cancelled.marker_recorded_event_attributes().failure();
  const Execution execution =
      Project({raised, ActivityScheduled(6, "/do/1/call"), cancelled, paused});
  ASSERT_EQ(execution.tasks_size(), 3);
  EXPECT_EQ(execution.tasks(0).phase(), stigmer::v1::TASK_PHASE_FAILED);
  EXPECT_EQ(execution.tasks(0).error().type(), "https://example.com/errors/oos");
  EXPECT_EQ(execution.tasks(0).error().status(), 422);
  EXPECT_EQ(execution.tasks(0).error().instance(), "/do/0/check");
  EXPECT_EQ(execution.tasks(1).path(), "/do/1/call");  // the activity's entry, ended
  EXPECT_EQ(execution.tasks(1).phase(), stigmer::v1::TASK_PHASE_CANCELLED);
  EXPECT_EQ(execution.tasks(2).phase(), stigmer::v1::TASK_PHASE_CANCELLED);
  EXPECT_FALSE(execution.tasks(2).has_error());
}

TEST(ExecutionProjectionTest, AnAgentsFailedToolIsOneStepWithTheErrorTheModelRead) {
  HistoryEvent failed;
  failed.set_event_id(6);
  failed.set_event_type(enums::EVENT_TYPE_ACTIVITY_TASK_FAILED);
  failed.mutable_activity_task_failed_event_attributes()->set_scheduled_event_id(5);
  failed.mutable_activity_task_failed_event_attributes()->mutable_failure()->set_message("no");
  Execution execution = Stored();
  execution.set_agent("helper");
  ApplyHistoryEvents({ActivityScheduled(5, "/turns/1/tools/c1"), failed,
                      MarkerEvent(7, {{"path", "/turns/1/tools/c1"},
                                      {"name", "files"},
                                      {"output", {{"text", "error: no such file"}}}})},
                     &execution);
  ASSERT_EQ(execution.tasks_size(), 1) << execution.DebugString();
  EXPECT_EQ(execution.tasks(0).phase(), stigmer::v1::TASK_PHASE_COMPLETED);
  EXPECT_EQ(execution.tasks(0).name(), "files");
  EXPECT_EQ(execution.tasks(0).output(), R"({"text":"error: no such file"})");
}

TEST(ExecutionProjectionTest, MarkersOfOtherNamesOrWithoutAPathAreIgnored) {
  HistoryEvent other = MarkerEvent(5, {{"path", "/do/0/a"}, {"name", "a"}});
  other.mutable_marker_recorded_event_attributes()->set_marker_name("Version");
  const Execution execution = Project({other, MarkerEvent(6, {{"name", "no path"}})});
  EXPECT_EQ(execution.tasks_size(), 0);
}

// Workers do not report the tasks durable::IsQuietWorkflowTask calls quiet: what those tasks saw
// must show nothing in the record.
TEST(ExecutionProjectionTest, WhatAQuietWorkflowTaskSawShowsNothing) {
  const std::vector<HistoryEvent> events = LoadHistory("workflow_shell_wait");
  std::vector<size_t> task_starts;
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].event_type() == enums::EVENT_TYPE_WORKFLOW_TASK_STARTED) task_starts.push_back(i);
  }
  ASSERT_GE(task_starts.size(), 2u);
  const std::vector<HistoryEvent> first(events.begin(), events.begin() + task_starts[0] + 1);
  const std::vector<HistoryEvent> second(events.begin(), events.begin() + task_starts[1] + 1);
  durable::Command timer;
  timer.set_command_type(enums::COMMAND_TYPE_START_TIMER);
  EXPECT_TRUE(durable::IsQuietWorkflowTask(first, {timer}));
  EXPECT_TRUE(durable::IsQuietWorkflowTask(second, {}));
  const std::vector<HistoryEvent> start(events.begin(), events.begin() + 1);
  EXPECT_TRUE(MessageDifferencer::Equals(Project(second), Project(start)));

  // Any event on its own after the first task: if the check calls it quiet, the projection
  // must not show it.
  for (int type = enums::EventType_MIN; type <= enums::EventType_MAX; ++type) {
    if (!enums::EventType_IsValid(type)) continue;
    std::vector<HistoryEvent> history(events.begin(), events.begin() + task_starts[0] + 2);
    HistoryEvent& event = history.emplace_back();
    event.set_event_id(static_cast<int64_t>(history.size()));
    event.set_event_type(static_cast<enums::EventType>(type));
    if (durable::IsQuietWorkflowTask(history, {})) {
      EXPECT_TRUE(MessageDifferencer::Equals(Project(history), Project(start)))
          << enums::EventType_Name(type);
    }
  }
}

TEST(ExecutionProjectionTest, ProblemFromFailure) {
  ::temporal::api::failure::v1::Failure failure;
  failure.set_message("took too long");
  failure.mutable_application_failure_info()->set_type(
      "https://serverlessworkflow.io/spec/1.0.0/errors/timeout");
  stigmer::v1::ProblemDetails problem = ProblemFromFailure(failure);
  EXPECT_EQ(problem.type(), kTimeoutErrorType);
  EXPECT_EQ(problem.status(), 408);
  EXPECT_EQ(problem.title(), "took too long");

  failure.mutable_application_failure_info()->set_type(
      "https://serverlessworkflow.io/spec/1.0.0/errors/validation");
  *failure.mutable_application_failure_info()->mutable_details() =
      temporal::JsonPayloads({{{"title", "Bad input"}, {"instance", "/do/0/check"}}});
  problem = ProblemFromFailure(failure);
  EXPECT_EQ(problem.type(), "https://serverlessworkflow.io/spec/1.0.0/errors/validation");
  EXPECT_EQ(problem.status(), 400);
  EXPECT_EQ(problem.title(), "Bad input");
  EXPECT_EQ(problem.instance(), "/do/0/check");

  // A raised error of the document's own type keeps all it was raised with.
  failure.mutable_application_failure_info()->set_type("https://example.com/errors/out-of-stock");
  *failure.mutable_application_failure_info()->mutable_details() =
      temporal::JsonPayloads({{{"type", "https://example.com/errors/out-of-stock"},
                               {"status", 422},
                               {"title", "Out of stock"},
                               {"detail", "item lamp is sold out"},
                               {"instance", "/do/0/reserve"}}});
  problem = ProblemFromFailure(failure);
  EXPECT_EQ(problem.type(), "https://example.com/errors/out-of-stock");
  EXPECT_EQ(problem.status(), 422);
  EXPECT_EQ(problem.title(), "Out of stock");
  EXPECT_EQ(problem.detail(), "item lamp is sold out");
  EXPECT_EQ(problem.instance(), "/do/0/reserve");

  ::temporal::api::failure::v1::Failure plain;
  plain.set_message("boom");
  problem = ProblemFromFailure(plain);
  EXPECT_EQ(problem.type(), kRuntimeErrorType);
  EXPECT_EQ(problem.status(), 500);
  EXPECT_EQ(problem.title(), "boom");
  EXPECT_TRUE(problem.detail().empty());

  EXPECT_EQ(StandardErrorStatus("https://serverlessworkflow.io/spec/1.0.0/errors/authentication"),
            401);
  EXPECT_EQ(StandardErrorStatus("https://serverlessworkflow.io/spec/1.0.0/errors/authorization"),
            403);
  EXPECT_EQ(StandardErrorStatus("https://serverlessworkflow.io/spec/1.0.0/errors/communication"),
            500);
  EXPECT_EQ(StandardErrorStatus("urn:other"), 500);
}

}  // namespace
}  // namespace stigmer::server

// Sticky execution against the real dev server: a worker keeps each open run's history, Temporal
// sends the run's later workflow tasks to the worker's own queue with only the new events, and
// what the worker decides so is what a cold replay of the whole history decides.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "testing/replay_check.h"
#include "workflow/workflow_runner_suite.h"

namespace stigmer::workflow {
namespace {

constexpr char kThreeTimers[] = R"(do:
  - first:
      wait: {milliseconds: 50}
  - second:
      wait: {milliseconds: 50}
  - third:
      wait: {milliseconds: 50}
  - done:
      set:
        waited: 3
)";

// Workflow tasks Temporal scheduled on `queue` (a worker's sticky queue).
int TasksScheduledOn(const std::vector<durable::HistoryEvent>& events, const std::string& queue) {
  int count = 0;
  for (const durable::HistoryEvent& event : events) {
    if (!event.has_workflow_task_scheduled_event_attributes()) continue;
    const auto& task_queue = event.workflow_task_scheduled_event_attributes().task_queue();
    count += task_queue.name() == queue &&
             task_queue.kind() == ::temporal::api::enums::v1::TASK_QUEUE_KIND_STICKY;
  }
  return count;
}

// A cold replay of every workflow task of the closed run gives the commands Temporal recorded
// from the worker that decided them from its cache.
void ExpectColdReplayAgrees(const std::vector<durable::HistoryEvent>& events,
                            const std::string& workflow_id) {
  durable::WorkflowTaskOptions options;
  options.commands.task_queue = "ignored";
  ServerlessProgram program;
  EXPECT_GT(testing::ExpectEveryTaskDecidedAgain(events, workflow_id, options, program), 0);
}

using StickyExecutionTest = WorkflowRunnerTest;

TEST_F(StickyExecutionTest, LaterWorkflowTasksGoToTheWorkersOwnQueueWithOnlyNewEvents) {
  const std::string id = Start("sticky_timers", kThreeTimers, nlohmann::json::object());
  const std::vector<durable::HistoryEvent> events = WaitClosed(id);
  EXPECT_EQ(Output(events), nlohmann::json({{"waited", 3}}));
  EXPECT_GE(TasksScheduledOn(events, sticky_.queue), 3);
  ExpectColdReplayAgrees(events, id);
}

// A restarted workflow-runner has an empty cache and a new queue: the old worker gave its queue
// back when it stopped, so the run's next task reaches the new worker at once (not after the
// 10 s schedule-to-start timeout) and is decided from the whole history.
TEST_F(StickyExecutionTest, ARunOutlivesTheWorkerThatKeptItsHistory) {
  const std::string id = Start("sticky_restart", R"(do:
  - nap:
      wait: {seconds: 2}
  - after:
      set:
        woke: true
)",
                               nlohmann::json::object());
  ASSERT_TRUE(WaitForEvent(id, EventType::EVENT_TYPE_TIMER_STARTED));
  const std::string old_queue = sticky_.queue;
  StartWorker();
  const std::vector<durable::HistoryEvent> events = WaitClosed(id, absl::Seconds(8));
  EXPECT_EQ(Output(events), nlohmann::json({{"woke", true}}));
  EXPECT_EQ(TasksScheduledOn(events, sticky_.queue), 0);  // the first task after a restart
  ExpectColdReplayAgrees(events, id);
}

// A cache of one run for four runs at once: each run is evicted while it waits (Temporal is told
// to send its next task to the normal queue) and decided from its whole history then.
class StickyEvictionTest : public WorkflowRunnerTest {
 protected:
  durable::StickyExecution Sticky() override {
    durable::StickyExecution sticky = WorkflowRunnerTest::Sticky();
    sticky.max_runs = 1;
    return sticky;
  }
};

TEST_F(StickyEvictionTest, EvictedRunsStillCompleteWithTheSameCommands) {
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    ids.push_back(
        Start(absl::StrCat("sticky_evicted_", i), kThreeTimers, nlohmann::json::object()));
  }
  for (const std::string& id : ids) {
    const std::vector<durable::HistoryEvent> events = WaitClosed(id);
    EXPECT_EQ(Output(events), nlohmann::json({{"waited", 3}})) << id;
    ExpectColdReplayAgrees(events, id);
  }
}

class StickyOffTest : public WorkflowRunnerTest {
 protected:
  durable::StickyExecution Sticky() override { return {}; }
};

TEST_F(StickyOffTest, WithoutACacheEveryTaskGoesToTheNormalQueue) {
  const std::string id = Start("sticky_off", kThreeTimers, nlohmann::json::object());
  const std::vector<durable::HistoryEvent> events = WaitClosed(id);
  EXPECT_EQ(Output(events), nlohmann::json({{"waited", 3}}));
  int sticky = 0;
  for (const durable::HistoryEvent& event : events) {
    sticky += event.has_workflow_task_scheduled_event_attributes() &&
              event.workflow_task_scheduled_event_attributes().task_queue().kind() ==
                  ::temporal::api::enums::v1::TASK_QUEUE_KIND_STICKY;
  }
  EXPECT_EQ(sticky, 0);
}

}  // namespace
}  // namespace stigmer::workflow

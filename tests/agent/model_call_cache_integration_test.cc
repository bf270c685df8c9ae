// The model activity takes the request the workflow task that scheduled it computed when that
// task ran on the same worker (no history read), and rebuilds the same request from history
// when it did not (a restarted worker, another worker).

#include <string>
#include <vector>

#include "agent/agent_runner_suite.h"

namespace stigmer::agent {
namespace {

class ModelCallCacheTest : public AgentRunnerTest {
 protected:
  ModelCallCacheTest() {
    model_queue_ =
        absl::StrCat("models-", ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }

  bool ModelCallScheduled(const std::string& id) {
    return testing::WaitFor(
        [&] {
          auto events = client_->GetFullHistory(id);
          if (!events.ok()) return false;
          for (const durable::HistoryEvent& event : *events) {
            if (event.has_activity_task_scheduled_event_attributes() &&
                event.activity_task_scheduled_event_attributes().activity_type().name() ==
                    kModelActivity) {
              return true;
            }
          }
          return false;
        },
        absl::Seconds(30));
  }
};

TEST_F(ModelCallCacheTest, ModelCallsScheduledByThisWorkerDoNotReadTheRunsHistory) {
  model_.QueueToolCall("call_1", "files",
                       {{"operation", "write"}, {"path", "a.txt"}, {"content", "one"}});
  model_.QueueText("done");
  const auto events = WaitClosed(Start("aex-cached", Agent({"files"}), "Write a"));
  EXPECT_EQ(Output(events)["answer"], "done");
  const std::vector<nlohmann::json> requests = model_.requests();
  ASSERT_EQ(requests.size(), 2u);
  // The second call still carries the whole conversation: the tool's result included.
  EXPECT_EQ(requests[1]["messages"].size(), 4u) << requests[1].dump();
  EXPECT_EQ(history_reads_->load(), 0);
}

TEST_F(ModelCallCacheTest, AfterAWorkerRestartTheSameRequestIsRebuiltFromHistory) {
  model_.QueueText("first");
  WaitClosed(Start("aex-reference", Agent({}), "Hi"));
  ASSERT_EQ(history_reads_->load(), 0);

  // A worker that schedules the model call but does not run it, stopped once it is scheduled:
  // the call is then run by a new worker, whose cache is empty.
  poller_->Stop();
  poller_ = NewWorker(/*runs_model_calls=*/false);
  poller_->Start();
  model_.QueueText("second");
  Start("aex-restarted", Agent({}), "Hi");
  ASSERT_TRUE(ModelCallScheduled("aex-restarted"));
  poller_->Stop();
  poller_ = NewWorker();
  poller_->Start();

  const auto events = WaitClosed("aex-restarted");
  EXPECT_EQ(Output(events)["answer"], "second");
  EXPECT_EQ(history_reads_->load(), 1);
  const std::vector<nlohmann::json> requests = model_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0], requests[1]);
}

}  // namespace
}  // namespace stigmer::agent

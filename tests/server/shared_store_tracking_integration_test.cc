// Two stigmer-servers that share a store (README, "Scaling out") each list every closed run: the
// second to get to a run another one has stored final must not read its history again, and must
// still tell its own watchers; a record another server's Create has stored but not started yet
// must not be adopted (and found lost); a server leaves the runs a live server follows to it,
// unless watched here, and takes over those of a server that stopped or fell silent. Two
// ExecutionTrackers over one Store stand in for the two servers, against the real Temporal dev
// server; no worker runs.
#include <atomic>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/execution_tracker.h"
#include "server/execution_watch_hub.h"
#include "server/store/store.h"
#include "store/store_test_support.h"
#include "temporal/temporal_client.h"
#include "testing/temporal_dev_server.h"
#include "testing/test_env.h"

namespace stigmer::server {
namespace {

using stigmer::v1::Execution;

class SharedStoreTrackingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<testing::TemporalDevServer>> temporal =
        testing::TemporalDevServer::Start();
    ASSERT_TRUE(temporal.ok()) << temporal.status();
    temporal_ = std::move(*temporal);
    absl::StatusOr<std::unique_ptr<temporal::TemporalClient>> client =
        temporal::TemporalClient::Connect(temporal_->address());
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = std::move(*client);
    store_ = store::testing::OpenOrDie(dir_.path() / "stigmer.db");
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(store_->ApplyWorkflow(store::testing::Draft("idle", "a"), absl::Now(), false).ok());
  }

  // A running execution whose run nobody works on, followed by `follower` ('': nobody).
  Execution StartRun(const std::string& follower = "") {
    Execution execution = store::testing::NewExecution("idle", 1, absl::Now());
    execution.set_temporal_workflow_id(execution.id());
    temporal::StartWorkflowOptions start;
    start.workflow_id = execution.id();
    start.task_queue = "nobody-polls-this";
    absl::StatusOr<std::string> run_id = client_->StartWorkflow(start);
    EXPECT_TRUE(run_id.ok()) << run_id.status();
    execution.set_temporal_run_id(run_id.value_or(""));
    execution.set_phase(stigmer::v1::EXECUTION_PHASE_RUNNING);
    absl::Status inserted = store_->InsertExecution(execution, "", follower);
    EXPECT_TRUE(inserted.ok()) << inserted;
    return execution;
  }

  // A tracker as a server has one, counting the history events it reads (unless
  // `events_read` is null: then `options.on_history` stays); it reaches Temporal only while
  // `reachable` holds.
  std::unique_ptr<ExecutionTracker> Tracker(ExecutionWatchHub* hub, std::atomic<int>* events_read,
                                            const std::atomic<bool>* reachable,
                                            ExecutionTracker::Options options = {}) {
    std::shared_ptr<temporal::TemporalClient> client = client_;
    options.close_scan_interval = absl::Milliseconds(100);
    if (events_read != nullptr) {
      options.on_history = [events_read](const std::string&,
                                         const std::vector<temporal::HistoryEvent>& events) {
        *events_read += static_cast<int>(events.size());
      };
    }
    return std::make_unique<ExecutionTracker>(
        store_.get(), hub,
        [client, reachable]() -> absl::StatusOr<std::shared_ptr<temporal::TemporalClient>> {
          if (!*reachable) return absl::UnavailableError("held back by the test");
          return client;
        },
        [](const std::string&, const std::string&, const std::vector<ChildRun>&) {
          return std::vector<std::string>();
        },
        options);
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::TemporalDevServer> temporal_;
  std::shared_ptr<temporal::TemporalClient> client_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(SharedStoreTrackingTest,
       ARunAnotherServerStoredFinalIsNotReadAgainYetWatchersHereSeeItsClose) {
  const Execution execution = StartRun();
  ExecutionWatchHub first_hub, second_hub;
  std::atomic<int> first_read{0}, second_read{0};
  std::atomic<bool> always{true}, second_reaches_temporal{false};
  std::unique_ptr<ExecutionTracker> first = Tracker(&first_hub, &first_read, &always);
  std::unique_ptr<ExecutionTracker> second =
      Tracker(&second_hub, &second_read, &second_reaches_temporal);
  first->Start();
  second->Start();  // adopts the open record, but cannot read it yet
  absl::StatusOr<std::unique_ptr<ExecutionWatchHub::Watch>> watch =
      second_hub.Subscribe(execution.id(), [&] { return store_->GetExecution(execution.id()); });
  ASSERT_TRUE(watch.ok()) << watch.status();
  std::optional<Execution> seen = (*watch)->Next(absl::Seconds(5));
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->phase(), stigmer::v1::EXECUTION_PHASE_RUNNING);

  ASSERT_TRUE(client_->Terminate(execution.id(), "", "terminated by hand").ok());
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        absl::StatusOr<Execution> stored = store_->GetExecution(execution.id());
        return stored.ok() && stored->phase() == stigmer::v1::EXECUTION_PHASE_CANCELLED;
      },
      absl::Seconds(15)));
  EXPECT_GT(first_read.load(), 0);

  // The second server now lists the close and retries its adoption: both find it final.
  second_reaches_temporal = true;
  seen = (*watch)->Next(absl::Seconds(15));
  ASSERT_TRUE(seen.has_value()) << "the second server's watchers never saw the close";
  EXPECT_EQ(seen->phase(), stigmer::v1::EXECUTION_PHASE_CANCELLED);
  EXPECT_THAT(seen->error().detail(), ::testing::HasSubstr("terminated by hand"));
  second->Shutdown();
  EXPECT_EQ(second_read.load(), 0) << "the second server read the history of a finished run";
  first->Shutdown();
}

TEST_F(SharedStoreTrackingTest, AnotherServersCreateBetweenItsInsertAndItsStartWasMarkedLost) {
  ExecutionWatchHub hub;
  std::atomic<int> events_read{0};
  std::atomic<bool> always{true};
  ExecutionTracker::Options sweeping;
  sweeping.sweep_interval = absl::Milliseconds(100);
  sweeping.readers = 1;  // reads in the order its sweeps adopt
  std::unique_ptr<ExecutionTracker> server = Tracker(&hub, &events_read, &always, sweeping);
  server->Start();
  auto phase = [&](const Execution& execution) {
    absl::StatusOr<Execution> stored = store_->GetExecution(execution.id());
    return stored.ok() ? stored->phase() : stigmer::v1::EXECUTION_PHASE_UNSPECIFIED;
  };

  // Another server's Create has stored its record and not started the run yet; one that
  // crashed there two minutes ago never will. The sweeps list the first before the second.
  Execution creating = store::testing::NewExecution("idle", 1, absl::Now());
  creating.set_temporal_workflow_id(creating.id());
  ASSERT_TRUE(store_->InsertExecution(creating, "").ok());
  Execution crashed = store::testing::NewExecution("idle", 1, absl::Now() - absl::Minutes(2));
  crashed.set_temporal_workflow_id(crashed.id());
  ASSERT_TRUE(store_->InsertExecution(crashed, "").ok());
  ASSERT_TRUE(testing::WaitFor(
      [&] { return phase(crashed) == stigmer::v1::EXECUTION_PHASE_FAILED; }, absl::Seconds(15)));
  EXPECT_EQ(store_->GetExecution(crashed.id())->error().title(), "Execution lost");

  // The Create goes on as ExecutionManager's does: the run starts, then the record says so.
  temporal::StartWorkflowOptions start;
  start.workflow_id = creating.id();
  start.task_queue = "nobody-polls-this";
  absl::StatusOr<std::string> run_id = client_->StartWorkflow(start);
  ASSERT_TRUE(run_id.ok()) << run_id.status();
  creating.set_temporal_run_id(*run_id);
  creating.set_phase(stigmer::v1::EXECUTION_PHASE_RUNNING);
  absl::StatusOr<bool> updated = store_->UpdateExecution(creating, /*progress=*/0);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_TRUE(*updated) << "the other server's sweep stored the starting run as lost";
  EXPECT_EQ(phase(creating), stigmer::v1::EXECUTION_PHASE_RUNNING);
  server->Shutdown();
}

// The ids of the executions a tracker has read, as its on_history sees them.
class ReadLog {
 public:
  ExecutionReader::HistoryObserver Observer() {
    return [this](const std::string& id, const std::vector<temporal::HistoryEvent>&) {
      absl::MutexLock lock(&mutex_);
      read_.insert(id);
    };
  }
  bool Read(const std::string& id) {
    absl::MutexLock lock(&mutex_);
    return read_.contains(id);
  }

 private:
  absl::Mutex mutex_;
  std::set<std::string> read_ ABSL_GUARDED_BY(mutex_);
};

ExecutionTracker::Options FollowingAs(const std::string& follower, ReadLog& log) {
  ExecutionTracker::Options options;
  options.follower = follower;
  options.follower_lapse = absl::Seconds(6);  // the live beat every second
  options.sweep_interval = absl::Milliseconds(100);
  options.readers = 1;  // reads in the order its sweeps adopt
  options.on_history = log.Observer();
  return options;
}

TEST_F(SharedStoreTrackingTest, ALiveServersRunsAreLeftToItAndTakenOverOnceItStopsOrFallsSilent) {
  const Execution firsts = StartRun("first");
  const Execution nobodys = StartRun();  // stored before servers said who follows what
  ExecutionWatchHub first_hub, second_hub;
  ReadLog first_log, second_log;
  std::atomic<bool> always{true};
  std::unique_ptr<ExecutionTracker> first =
      Tracker(&first_hub, nullptr, &always, FollowingAs("first", first_log));
  first->Start();
  std::unique_ptr<ExecutionTracker> second =
      Tracker(&second_hub, nullptr, &always, FollowingAs("second", second_log));
  second->Start();
  ASSERT_TRUE(testing::WaitFor([&] { return first_log.Read(firsts.id()); }, absl::Seconds(15)));
  // A record stored after both started: once the second has read it, its sweeps have listed
  // (and its one reader would have read) the first's run too, had they adopted it.
  const Execution later = StartRun();
  ASSERT_TRUE(testing::WaitFor([&] { return second_log.Read(later.id()); }, absl::Seconds(15)));
  EXPECT_TRUE(second_log.Read(nobodys.id()));
  EXPECT_FALSE(second_log.Read(firsts.id())) << "the second server read a run the first follows";

  // A server that fell silent (killed: it never said it stopped) is taken over, by one of the
  // two, a lapse after it last said it was alive, not before.
  const absl::Time silent_since = absl::Now();
  ASSERT_TRUE(store_->MarkFollowerAlive("silent", silent_since).ok());
  const Execution silents = StartRun("silent");
  ASSERT_TRUE(testing::WaitFor(
      [&] { return first_log.Read(silents.id()) || second_log.Read(silents.id()); },
      absl::Seconds(15)));
  EXPECT_GE(absl::Now() - silent_since, absl::Seconds(6));

  // The first stops: the second takes its runs over at its next sweep.
  first->Shutdown();
  EXPECT_TRUE(testing::WaitFor(
      [&] { return second_log.Read(firsts.id()) && second_log.Read(silents.id()); },
      absl::Seconds(2)))
      << "the second server did not take over the runs of the first, which stopped";
  second->Shutdown();
}

TEST_F(SharedStoreTrackingTest, AWatchHereFollowsARunALiveServerFollowsAndSeesItsClose) {
  const Execution firsts = StartRun("first");
  ExecutionWatchHub first_hub, second_hub;
  ReadLog first_log, second_log;
  std::atomic<bool> always{true};
  std::unique_ptr<ExecutionTracker> first =
      Tracker(&first_hub, nullptr, &always, FollowingAs("first", first_log));
  std::unique_ptr<ExecutionTracker> second =
      Tracker(&second_hub, nullptr, &always, FollowingAs("second", second_log));
  first->Start();
  second->Start();
  absl::StatusOr<std::unique_ptr<ExecutionWatchHub::Watch>> watch =
      second_hub.Subscribe(firsts.id(), [&] { return store_->GetExecution(firsts.id()); });
  ASSERT_TRUE(watch.ok()) << watch.status();
  second->Follow(*store_->GetExecution(firsts.id()));  // as ExecutionManager::Watch does
  ASSERT_TRUE(testing::WaitFor([&] { return second_log.Read(firsts.id()); }, absl::Seconds(15)));

  ASSERT_TRUE(client_->Terminate(firsts.id(), "", "terminated by hand").ok());
  std::optional<Execution> seen;
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        seen = (*watch)->Next(absl::Milliseconds(100));
        return seen.has_value() && seen->phase() == stigmer::v1::EXECUTION_PHASE_CANCELLED;
      },
      absl::Seconds(15)))
      << "the watch on the second server never saw the close";
  second->Shutdown();
  first->Shutdown();
}

}  // namespace
}  // namespace stigmer::server

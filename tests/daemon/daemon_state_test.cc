#include "daemon/daemon_state.h"

#include <thread>

#include "gtest/gtest.h"

namespace stigmer::daemon {
namespace {

stigmer::daemon::v1::ComponentStatus Component(const std::string& name, const std::string& state) {
  stigmer::daemon::v1::ComponentStatus status;
  status.set_name(name);
  status.set_state(state);
  return status;
}

TEST(DaemonStateTest, ASubscriberFirstGetsTheCurrentStatusThenEveryChange) {
  DaemonState state(42, "/home");
  state.UpdateComponent(Component("temporal", "starting"));
  state.UpdateComponent(Component("temporal", "ready"));
  auto subscription = state.Subscribe();
  state.UpdateComponent(Component("stigmer-server", "starting"));

  auto first = subscription->Next(absl::Seconds(1));
  ASSERT_TRUE(first && first->has_component());
  EXPECT_EQ(first->component().name(), "temporal");
  EXPECT_EQ(first->component().state(), "ready");
  auto second = subscription->Next(absl::Seconds(1));
  ASSERT_TRUE(second && second->has_component());
  EXPECT_EQ(second->component().name(), "stigmer-server");
  EXPECT_FALSE(subscription->Next(absl::Milliseconds(10)));
}

TEST(DaemonStateTest, ARestartWithoutTheLocalModelNoLongerListsIt) {
  DaemonState state(42, "/home");
  for (const char* name :
       {"temporal", "stigmer-server", "workflow-runner", "agent-runner", "llm"}) {
    state.UpdateComponent(Component(name, "stopped"));
  }
  state.RetainComponents({"temporal", "stigmer-server", "workflow-runner", "agent-runner"});
  const auto snapshot = state.Snapshot();
  ASSERT_EQ(snapshot.components_size(), 4);
  EXPECT_EQ(snapshot.components(0).name(), "temporal");
  EXPECT_EQ(snapshot.components(3).name(), "agent-runner");
}

TEST(DaemonStateTest, ALateSubscriberStillLearnsHowTheStartEnded) {
  DaemonState state(42, "/home");
  stigmer::daemon::v1::StartFinished result;
  result.set_ok(true);
  state.FinishStart(result);
  EXPECT_EQ(state.Snapshot().phase(), "running");
  auto subscription = state.Subscribe();
  auto event = subscription->Next(absl::Seconds(1));
  ASSERT_TRUE(event && event->has_start_finished());
  EXPECT_TRUE(event->start_finished().ok());
}

TEST(DaemonStateTest, SnapshotKeepsStartOrderAndReplacesByName) {
  DaemonState state(42, "/home");
  state.UpdateComponent(Component("temporal", "starting"));
  state.UpdateComponent(Component("stigmer-server", "starting"));
  state.UpdateComponent(Component("temporal", "ready"));
  auto snapshot = state.Snapshot();
  EXPECT_EQ(snapshot.supervisor_pid(), 42);
  EXPECT_EQ(snapshot.home(), "/home");
  ASSERT_EQ(snapshot.components_size(), 2);
  EXPECT_EQ(snapshot.components(0).name(), "temporal");
  EXPECT_EQ(snapshot.components(0).state(), "ready");
}

TEST(DaemonStateTest, CloseWakesAWaitingSubscriberAndEndsIt) {
  DaemonState state(42, "/home");
  auto subscription = state.Subscribe();
  std::thread closer([&] { state.Close(); });
  auto event = subscription->Next(absl::Seconds(10));
  closer.join();
  ASSERT_TRUE(event && event->has_stop_finished());
  EXPECT_FALSE(subscription->Next(absl::Seconds(10)));
  EXPECT_TRUE(subscription->closed());
}

}  // namespace
}  // namespace stigmer::daemon

#include "cli/status_view.h"

#include "absl/strings/str_cat.h"
#include "cli/terminal_output.h"
#include "common/file_io.h"
#include "daemon/state_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/test_env.h"

namespace stigmer::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

stigmer::daemon::v1::ComponentStatus Component(const std::string& name, const std::string& state,
                                               int pid, absl::Time started) {
  stigmer::daemon::v1::ComponentStatus status;
  status.set_name(name);
  status.set_state(state);
  status.set_pid(pid);
  status.set_started_at_unix_ms(absl::ToUnixMillis(started));
  return status;
}

StatusView RunningView(absl::Time now) {
  StatusView view;
  view.daemon_running = true;
  view.daemon_pid = 100;
  view.home = "/h";
  view.components = {Component("temporal", "ready", 101, now - absl::Minutes(3)),
                     Component("stigmer-server", "ready", 102, now - absl::Seconds(12)),
                     Component("workflow-runner", "ready", 103, now - absl::Hours(2)),
                     Component("agent-runner", "ready", 104, now - absl::Hours(50))};
  view.components[1].set_endpoint("127.0.0.1:7234");
  return view;
}

TEST(StatusViewTest, UptimeIsShortAndReadable) {
  EXPECT_EQ(FormatUptime(absl::ZeroDuration()), "-");
  EXPECT_EQ(FormatUptime(absl::Seconds(12)), "12s");
  EXPECT_EQ(FormatUptime(absl::Seconds(200)), "3m20s");
  EXPECT_EQ(FormatUptime(absl::Minutes(62)), "1h02m");
  EXPECT_EQ(FormatUptime(absl::Hours(50)), "2d02h");
}

TEST(StatusViewTest, ExitCodeIsZeroWhenAllReadyOneWhenDegradedThreeWhenDown) {
  const absl::Time now = absl::Now();
  StatusView view = RunningView(now);
  EXPECT_EQ(StatusExitCode(view), 0);
  view.components[0].set_state("external");
  EXPECT_EQ(StatusExitCode(view), 0);
  view.components[2].set_state("backoff");
  EXPECT_EQ(StatusExitCode(view), 1);
  view.daemon_running = false;
  EXPECT_EQ(StatusExitCode(view), 3);
}

TEST(StatusViewTest, TableHasARowPerComponentAndShowsWhyOneIsFatal) {
  const absl::Time now = absl::Now();
  StatusView view = RunningView(now);
  view.components[2].set_state("fatal");
  view.components[2].set_pid(0);
  view.components[2].set_restarts(5);
  view.components[2].set_fatal_reason("exited with code 3: cannot reach Temporal");
  view.components[3].set_log_error("No space left on device");
  view.components[3].set_log_lines_dropped(12);
  const std::string table = RenderStatusTable(view, now, /*color=*/false);
  EXPECT_THAT(table, HasSubstr("NAME             STATE  PID  UPTIME  RESTARTS  ENDPOINT"));
  EXPECT_THAT(table, HasSubstr("stigmer-server   ready  102  12s     0         127.0.0.1:7234"));
  EXPECT_THAT(table, HasSubstr("workflow-runner  fatal  -    -       5"));
  EXPECT_THAT(table, HasSubstr("exited with code 3: cannot reach Temporal"));
  EXPECT_THAT(table, HasSubstr("logs: No space left on device (12 lines dropped)"));
  EXPECT_THAT(table, Not(HasSubstr("\033[")));
  EXPECT_THAT(RenderStatusTable(view, now, /*color=*/true), HasSubstr("\033[31mfatal"));
}

TEST(StatusViewTest, JsonHasTheDocumentedShape) {
  const absl::Time now = absl::Now();
  nlohmann::json json = nlohmann::json::parse(RenderStatusJson(RunningView(now), now));
  EXPECT_EQ(json["daemon"]["running"], true);
  EXPECT_EQ(json["daemon"]["pid"], 100);
  EXPECT_EQ(json["daemon"]["home"], "/h");
  ASSERT_EQ(json["components"].size(), 4u);
  const auto& server = json["components"][1];
  EXPECT_EQ(server["name"], "stigmer-server");
  EXPECT_EQ(server["state"], "ready");
  EXPECT_EQ(server["pid"], 102);
  EXPECT_EQ(server["uptime_s"], 12);
  EXPECT_EQ(server["restarts"], 0);
  EXPECT_EQ(server["endpoint"], "127.0.0.1:7234");
  EXPECT_EQ(server["last_exit"], "");
  EXPECT_FALSE(json.contains("capabilities"));
  StatusView with_capabilities = RunningView(now);
  with_capabilities.capabilities = {{"node", {{"found", false}, {"detail", "install node"}}}};
  json = nlohmann::json::parse(RenderStatusJson(with_capabilities, now));
  EXPECT_EQ(json["capabilities"]["node"]["detail"], "install node");
}

TEST(StatusViewTest, WithTheDaemonDownDeadProcessesShowAsStopped) {
  testing::TempDir dir;
  config::Paths paths(dir.path());
  ASSERT_TRUE(MakeDirectories(paths.DataDir()).ok());
  stigmer::daemon::v1::SavedState saved;
  auto* record = saved.add_components();
  *record->mutable_status() = Component("temporal", "ready", 999999, absl::Now());
  record->set_start_time_ticks(1);
  record->set_exe("/bin/temporal");
  ASSERT_TRUE(daemon::WriteStateFile(paths.StateFile(), saved).ok());
  StatusView view = FromSavedState(paths);
  EXPECT_FALSE(view.daemon_running);
  ASSERT_EQ(view.components.size(), 4u);
  EXPECT_EQ(view.components[0].state(), "stopped");
  EXPECT_EQ(view.components[0].pid(), 0);
  EXPECT_EQ(view.components[3].name(), "agent-runner");
  EXPECT_EQ(view.components[3].state(), "stopped");
}

// `status --watch` used to print the same table again for every event the daemon repeated.
TEST(StatusViewTest, WatchPrintsATableOnlyWhenSomethingShownChanged) {
  const absl::Time now = absl::Now();
  StatusWatch watch(RunningView(now));
  std::vector<std::string> printed = {RenderStatusTable(watch.view(), now, /*color=*/false)};
  auto receive = [&](const stigmer::daemon::v1::ComponentStatus& component) {
    if (watch.Update(component)) printed.push_back(RenderStatusTable(watch.view(), now, false));
  };
  const stigmer::daemon::v1::ComponentStatus runner = RunningView(now).components[2];
  receive(runner);  // the daemon repeats what is shown: nothing printed
  receive(runner);
  stigmer::daemon::v1::ComponentStatus crashed = runner;
  crashed.set_state("backoff");
  crashed.set_pid(0);
  crashed.set_restarts(1);
  crashed.set_last_exit("exited with code 1");
  receive(crashed);
  receive(crashed);
  ASSERT_EQ(printed.size(), 2u);
  EXPECT_THAT(printed[0], HasSubstr("workflow-runner  ready"));
  EXPECT_THAT(printed[1], HasSubstr("workflow-runner  backoff  -    -       1"));
  EXPECT_THAT(printed[1], HasSubstr("exited with code 1"));
  EXPECT_THAT(printed[1], HasSubstr("agent-runner     ready"));
  EXPECT_EQ(watch.view().components.size(), 4u);
}

TEST(TerminalOutputTest, MarkersGoToTheRightStreamAndQuietKeepsOnlyErrorsAndData) {
  std::ostringstream out, err;
  TerminalOutput loud(out, err, /*color=*/false, /*quiet=*/false);
  loud.Success("done");
  loud.Info("note");
  loud.Warning("careful");
  loud.Error("broken");
  EXPECT_EQ(out.str(), "✓ done\nℹ note\n");
  EXPECT_EQ(err.str(), "⚠ careful\n✗ broken\n");

  std::ostringstream quiet_out, quiet_err;
  TerminalOutput quiet(quiet_out, quiet_err, /*color=*/false, /*quiet=*/true);
  quiet.Success("done");
  quiet.Info("note");
  quiet.Line("data");
  quiet.Error("broken");
  EXPECT_EQ(quiet_out.str(), "data\n");
  EXPECT_EQ(quiet_err.str(), "✗ broken\n");

  std::ostringstream color_out, color_err;
  TerminalOutput colored(color_out, color_err, /*color=*/true, /*quiet=*/false);
  colored.Success("done");
  EXPECT_EQ(color_out.str(), "\033[32m✓\033[0m done\n");
}

}  // namespace
}  // namespace stigmer::cli

// `stigmer server start`, in the background or in the foreground.
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/daemon_launcher.h"
#include "cli/server_commands.h"
#include "config/config.h"
#include "config/config_file.h"
#include "daemon/control_client.h"
#include "daemon/process_lock.h"
#include "daemon/state_file.h"
#include "daemon/supervisor_daemon.h"

namespace stigmer::cli {
namespace {

using stigmer::daemon::v1::Event;

void PrintReadyBlock(const config::Paths& paths, const config::Config& config, int pid,
                     TerminalOutput& output) {
  output.Success("stigmer is ready");
  if (output.quiet()) return;
  auto row = [&](absl::string_view name, absl::string_view value) {
    output.Line(absl::StrFormat("  %-15s %s", name, value));
  };
  row("Supervisor", absl::StrCat("pid ", pid));
  row("stigmer-server", config.ServerAddress());
  row("Temporal",
      config.TemporalAddress() + (config.temporal_is_external() ? std::string(" (external)") : ""));
  if (!config.temporal_is_external()) {
    row("Temporal UI", absl::StrCat("http://127.0.0.1:", config.temporal_ui_port));
  }
  if (config.llm_is_local()) {
    row("Local model", absl::StrCat(config.LlmBaseUrl(), " (", config.LlmModel(), ")"));
  }
  row("Data", paths.DataDir().string());
  row("Logs", "stigmer server logs [-c COMPONENT] [-f]");
}

void ExplainStartFailure(const config::Config& config, const std::string& error,
                         const std::string& component, TerminalOutput& output) {
  output.Error(error);
  if (component == "temporal" && config.temporal_is_external()) {
    output.Error(absl::StrCat("Temporal at ", config.TemporalAddress(),
                              " (TEMPORAL_SERVICE_ADDRESS or temporal.address) does not "
                              "answer; start it, or unset the address to let stigmer run "
                              "its own"));
  }
  output.Error(
      "everything that had started was stopped; fix the cause and run "
      "`stigmer server` again");
}

// A daemon whose start failed at once may be gone before we could watch it: its state file
// still says why.
bool ExplainFailureFromStateFile(const config::Paths& paths, const config::Config& config,
                                 TerminalOutput& output) {
  absl::StatusOr<stigmer::daemon::v1::SavedState> saved = daemon::ReadStateFile(paths.StateFile());
  if (!saved.ok() || saved->phase() != "start_failed" || saved->start_error().empty()) {
    return false;
  }
  ExplainStartFailure(config, saved->start_error(), saved->failed_component(), output);
  return true;
}

// Follows the daemon's events until the initial start ends; prints one line per component as it
// becomes ready. Returns the exit code.
int FollowStart(const config::Paths& paths, const config::Config& config, TerminalOutput& output) {
  // A daemon that just won the lock from ours may not listen yet: give it a moment.
  absl::StatusOr<daemon::ControlClient> client = daemon::ControlClient::Connect(paths);
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (!client.ok() && absl::Now() < deadline && daemon::IsLockHeld(paths.SupervisorLockFile())) {
    absl::SleepFor(absl::Milliseconds(20));
    client = daemon::ControlClient::Connect(paths);
  }
  if (!client.ok()) {
    if (!ExplainFailureFromStateFile(paths, config, output)) {
      output.Error(absl::StrCat("cannot reach the daemon: ", client.status().message()));
    }
    return 1;
  }
  absl::StatusOr<stigmer::daemon::v1::GetStatusResponse> status = client->GetStatus();
  const int pid = status.ok() ? status->supervisor_pid() : 0;
  std::set<std::string> announced_start, announced_ready;
  int exit_code = 1;
  bool finished = false;
  absl::Status watched = client->Watch([&](const Event& event) {
    if (event.has_component()) {
      const auto& component = event.component();
      if (component.state() == "starting" && announced_start.insert(component.name()).second) {
        output.Info(absl::StrCat("starting ", component.name(), "…"));
      }
      if ((component.state() == "ready" || component.state() == "external") &&
          announced_ready.insert(component.name()).second) {
        std::string took;
        if (component.started_at_unix_ms() > 0 && component.ready_at_unix_ms() > 0) {
          took = absl::StrFormat(
              " (%.1fs)", (component.ready_at_unix_ms() - component.started_at_unix_ms()) / 1000.0);
        }
        output.Success(absl::StrCat(
            component.name(), component.state() == "external" ? " reachable" : " ready", took));
      }
      return true;
    }
    if (event.has_start_finished()) {
      finished = true;
      const auto& result = event.start_finished();
      if (result.ok()) {
        PrintReadyBlock(paths, config, pid, output);
        exit_code = 0;
      } else {
        ExplainStartFailure(config, result.error(), result.failed_component(), output);
      }
      return false;
    }
    return !event.has_stop_finished();
  });
  if (!finished && ExplainFailureFromStateFile(paths, config, output)) return 1;
  if (!finished) {
    output.Error(absl::StrCat("the daemon stopped before the start finished",
                              watched.ok() ? "" : absl::StrCat(": ", watched.message()), "; see ",
                              paths.StdoutLog("supervisor").string()));
  }
  return exit_code;
}

}  // namespace

int StartServer(const config::Paths& paths, TerminalOutput& output) {
  if (absl::Status ensured = config::EnsureConfigFile(paths); !ensured.ok()) {
    output.Error(ensured.message());
    return 2;
  }
  absl::StatusOr<config::Config> config = config::LoadConfig(paths, ProcessEnvironment());
  if (!config.ok()) {
    output.Error(absl::StrCat(config.status().message(),
                              "\n  fix the file, or run `stigmer "
                              "config set KEY VALUE`"));
    return 2;
  }
  if (absl::StatusOr<daemon::ControlClient> client =
          daemon::ControlClient::Connect(paths, absl::Milliseconds(500));
      client.ok()) {
    absl::StatusOr<stigmer::daemon::v1::GetStatusResponse> status = client->GetStatus();
    if (status.ok() && status->phase() == "running") {
      output.Info(absl::StrCat("stigmer is already running (supervisor pid ",
                               status->supervisor_pid(), "); `stigmer server status` shows it"));
      return 0;
    }
    return FollowStart(paths, *config, output);
  }
  absl::StatusOr<LaunchResult> launched = LaunchDaemon(paths, absl::Seconds(30));
  if (!launched.ok()) {
    output.Error(launched.status().message());
    return 1;
  }
  if (launched->outcome == LaunchResult::Outcome::kAlreadyRunning) {
    output.Info(
        absl::StrCat("another stigmer server (pid ", launched->pid, ") is starting; following it"));
  }
  return FollowStart(paths, *config, output);
}

int RunServerInForeground() { return daemon::RunSupervisorDaemon({.foreground = true}); }

}  // namespace stigmer::cli

// `stigmer server status`, `stop` and `restart`: the commands that talk to a running daemon.
#include <unistd.h>

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "activities/process_capabilities.h"
#include "cli/server_commands.h"
#include "cli/status_view.h"
#include "common/environment.h"
#include "daemon/component_profile.h"
#include "daemon/control_client.h"
#include "daemon/process_lock.h"

namespace stigmer::cli {
namespace {

using stigmer::daemon::v1::Event;

StatusView CurrentStatus(const config::Paths& paths) {
  if (absl::StatusOr<daemon::ControlClient> client = daemon::ControlClient::Connect(paths);
      client.ok()) {
    if (absl::StatusOr<stigmer::daemon::v1::GetStatusResponse> status = client->GetStatus();
        status.ok()) {
      return FromDaemon(*status);
    }
  }
  return FromSavedState(paths);
}

void PrintStatus(const StatusView& view, TerminalOutput& output, bool json) {
  if (json) {
    StatusView with_capabilities = view;
    with_capabilities.capabilities = activities::ProcessCapabilities(ProcessEnvironment());
    output.Line(RenderStatusJson(with_capabilities, absl::Now()));
    return;
  }
  if (view.daemon_running) {
    output.Info(absl::StrCat("stigmer daemon running (pid ", view.daemon_pid, ", ", view.phase,
                             ") for ", view.home));
  } else {
    output.Info(absl::StrCat("the stigmer daemon is not running (home ", view.home,
                             "); start it with `stigmer server`"));
  }
  output.out() << RenderStatusTable(view, absl::Now(), output.color()) << std::flush;
}

// Waits until the daemon's lock is released, at most until `deadline`.
bool WaitForDaemonExit(const config::Paths& paths, absl::Time deadline) {
  while (daemon::IsLockHeld(paths.SupervisorLockFile())) {
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return true;
}

}  // namespace

int ShowStatus(const config::Paths& paths, TerminalOutput& output, bool json, bool watch) {
  if (absl::Status access = daemon::CheckHomeAccess(paths); !access.ok()) {
    output.Error(access.message());
    return 1;
  }
  StatusView view = CurrentStatus(paths);
  if (!watch || !view.daemon_running) {
    PrintStatus(view, output, json);
    return StatusExitCode(view);
  }
  absl::StatusOr<daemon::ControlClient> client = daemon::ControlClient::Connect(paths);
  if (!client.ok()) {
    PrintStatus(FromSavedState(paths), output, json);
    return 3;
  }
  StatusWatch watched(std::move(view));
  PrintStatus(watched.view(), output, json);
  (void)client->Watch([&](const Event& event) {
    if (!event.has_component()) return !event.has_stop_finished();
    if (!watched.Update(event.component())) return true;
    if (output.color() && !json) output.out() << "\033[H\033[2J";  // redraw in place
    PrintStatus(watched.view(), output, json);
    return true;
  });
  return StatusExitCode(CurrentStatus(paths));
}

int StopServer(const config::Paths& paths, TerminalOutput& output, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::StatusOr<daemon::ControlClient> client = daemon::ControlClient::Connect(paths);
  if (absl::IsPermissionDenied(client.status())) {
    output.Error(client.status().message());
    return 1;
  }
  if (!client.ok()) {
    if (daemon::IsLockHeld(paths.SupervisorLockFile())) {
      output.Error(absl::StrCat("a stigmer daemon holds ", paths.SupervisorLockFile().string(),
                                " but does not answer on its socket; stop it with `kill ",
                                daemon::ReadPidFile(paths.SupervisorPidFile()), "`"));
      return 1;
    }
    output.Info("stigmer is not running");
    return 0;
  }
  std::map<std::string, std::string> last_state;
  bool stop_sent = false;
  absl::Status stop_error;
  (void)client->Watch(
      [&](const Event& event) {
        if (!stop_sent) {
          stop_sent = true;
          stop_error = client->Stop();
          if (!stop_error.ok()) return false;
        }
        if (event.has_component()) {
          const auto& component = event.component();
          std::string& previous = last_state[component.name()];
          if (component.state() == "stopped" && !previous.empty() && previous != "stopped") {
            output.Success(absl::StrCat(component.name(), " stopped"));
          }
          previous = component.state();
        }
        return !event.has_stop_finished();
      },
      deadline);
  if (!stop_error.ok()) {
    output.Error(absl::StrCat("cannot stop the daemon: ", stop_error.message()));
    return 1;
  }
  if (!WaitForDaemonExit(paths, deadline)) {
    output.Error(absl::StrCat("the daemon did not stop within ", absl::FormatDuration(timeout),
                              "; `stigmer server status` shows what is still running"));
    return 1;
  }
  output.Success("stigmer stopped");
  return 0;
}

int RestartServer(const config::Paths& paths, TerminalOutput& output,
                  const std::string& component) {
  const std::vector<std::string> names = daemon::ComponentNames();
  if (!component.empty() && std::find(names.begin(), names.end(), component) == names.end()) {
    output.Error(absl::StrCat("unknown component \"", component,
                              "\"; valid components: ", absl::StrJoin(names, ", ")));
    return 2;
  }
  absl::StatusOr<daemon::ControlClient> client = daemon::ControlClient::Connect(paths);
  if (absl::IsPermissionDenied(client.status())) {
    output.Error(client.status().message());
    return 1;
  }
  if (!client.ok()) {
    output.Info("stigmer is not running; starting it");
    return StartServer(paths, output);
  }
  // The components this daemon runs (llm only when llm.provider is `local`).
  absl::StatusOr<stigmer::daemon::v1::GetStatusResponse> running = client->GetStatus();
  if (!running.ok()) {
    output.Error(absl::StrCat("cannot reach the daemon: ", running.status().message()));
    return 1;
  }
  auto listed = [](const stigmer::daemon::v1::GetStatusResponse& status, const std::string& name) {
    return std::any_of(status.components().begin(), status.components().end(),
                       [&](const auto& c) { return c.name() == name; });
  };
  if (!component.empty() && !listed(*running, component)) {
    output.Error(
        absl::StrCat("stigmer does not run ", component, " now",
                     component == daemon::kLlm ? ": it runs only when llm.provider is local" : ""));
    return 2;
  }
  // Restarted means: seen leaving ready (or fatal), then ready again.
  std::map<std::string, bool> left, back;
  for (const auto& status : running->components()) {
    if (component.empty() || status.name() == component)
      left[status.name()] = back[status.name()] = false;
  }
  // A restart of all reads the configuration again, which may add or drop a component (llm): it
  // is over when the new round reports every component ready (start_finished).
  bool round_done = false;
  bool sent = false;
  absl::Status restart_error;
  const absl::Time deadline = absl::Now() + absl::Seconds(90);
  (void)client->Watch(
      [&](const Event& event) {
        if (!sent) {
          sent = true;
          restart_error = client->Restart(component);
          if (!restart_error.ok()) return false;
        }
        const bool any_left =
            std::any_of(left.begin(), left.end(), [](const auto& entry) { return entry.second; });
        if (event.has_start_finished()) {
          round_done = component.empty() && any_left;  // not the first start's, replayed
          return !round_done;
        }
        if (!event.has_component()) return !event.has_stop_finished();
        const auto& status = event.component();
        if (component.empty() && !left.contains(status.name())) {
          left[status.name()] = true;  // new in this round
          back[status.name()] = false;
        }
        if (!left.contains(status.name())) return true;
        const bool up = status.state() == "ready" || status.state() == "external";
        if (!up) left[status.name()] = true;
        if (up && left[status.name()] && !back[status.name()]) {
          back[status.name()] = true;
          output.Success(absl::StrCat(status.name(), " restarted (pid ", status.pid(), ")"));
        }
        return component.empty() || !back[status.name()];
      },
      deadline);
  if (round_done) {
    absl::StatusOr<stigmer::daemon::v1::GetStatusResponse> now = client->GetStatus();
    for (auto& [name, is_back] : back) {
      if (is_back || !now.ok() || listed(*now, name)) continue;
      is_back = true;
      output.Info(absl::StrCat(name, " stopped: the configuration read again does not run it"));
    }
  }
  if (!restart_error.ok()) {
    output.Error(absl::StrCat("cannot restart: ", restart_error.message()));
    return 1;
  }
  for (const auto& [name, is_back] : back) {
    if (!is_back) {
      output.Error(
          absl::StrCat(name, " is not ready again; `stigmer server logs -c ", name, "` shows why"));
      return 1;
    }
  }
  return 0;
}

}  // namespace stigmer::cli

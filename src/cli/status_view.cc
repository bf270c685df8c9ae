#include "cli/status_view.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "daemon/component_profile.h"
#include "daemon/process_lock.h"
#include "daemon/state_file.h"
#include "nlohmann/json.hpp"
#include "supervisor/process_identity.h"

namespace stigmer::cli {
namespace {

using stigmer::daemon::v1::ComponentStatus;

bool IsUp(const ComponentStatus& component) {
  return component.state() == "ready" || component.state() == "external";
}

int64_t UptimeSeconds(const ComponentStatus& component, absl::Time now) {
  if (component.pid() == 0 || component.started_at_unix_ms() == 0) return 0;
  return absl::ToInt64Seconds(now - absl::FromUnixMillis(component.started_at_unix_ms()));
}

absl::string_view StateColor(absl::string_view state) {
  if (state == "ready" || state == "external") return "\033[32m";
  if (state == "fatal" || state == "unhealthy") return "\033[31m";
  if (state == "stopped") return "\033[2m";
  return "\033[33m";
}

}  // namespace

StatusView FromDaemon(const stigmer::daemon::v1::GetStatusResponse& response) {
  StatusView view;
  view.daemon_running = true;
  view.daemon_pid = response.supervisor_pid();
  view.home = response.home();
  view.phase = response.phase();
  view.components.assign(response.components().begin(), response.components().end());
  return view;
}

StatusView FromSavedState(const config::Paths& paths) {
  StatusView view;
  view.home = paths.home().string();
  absl::StatusOr<stigmer::daemon::v1::SavedState> saved = daemon::ReadStateFile(paths.StateFile());
  for (const std::string& name : daemon::ComponentNames()) {
    // The optional llm is listed when the last run had it.
    const bool in_saved_state =
        saved.ok() &&
        std::any_of(saved->components().begin(), saved->components().end(),
                    [&](const auto& record) { return record.status().name() == name; });
    if (name == daemon::kLlm && !in_saved_state) continue;
    ComponentStatus component;
    component.set_name(name);
    component.set_state("stopped");
    if (saved.ok()) {
      for (const auto& record : saved->components()) {
        if (record.status().name() != name) continue;
        component = record.status();
        absl::StatusOr<supervisor::ProcessIdentity> identity =
            record.status().pid() > 0 ? supervisor::ReadProcessIdentity(record.status().pid())
                                      : absl::NotFoundError("");
        const bool still_ours = identity.ok() &&
                                identity->start_time_ticks == record.start_time_ticks() &&
                                identity->exe == record.exe();
        if (!still_ours) {
          component.set_state("stopped");
          component.set_pid(0);
        }
      }
    }
    view.components.push_back(component);
  }
  return view;
}

int StatusExitCode(const StatusView& view) {
  if (!view.daemon_running) return 3;
  const bool all_up = std::all_of(view.components.begin(), view.components.end(), IsUp);
  return all_up && !view.components.empty() ? 0 : 1;
}

StatusWatch::StatusWatch(StatusView initial) : view_(std::move(initial)) {}

bool StatusWatch::Update(const ComponentStatus& component) {
  for (ComponentStatus& shown : view_.components) {
    if (shown.name() != component.name()) continue;
    if (shown.SerializeAsString() == component.SerializeAsString()) return false;
    shown = component;
    return true;
  }
  view_.components.push_back(component);
  return true;
}

std::string FormatUptime(absl::Duration uptime) {
  if (uptime <= absl::ZeroDuration()) return "-";
  const int64_t seconds = absl::ToInt64Seconds(uptime);
  if (seconds < 60) return absl::StrCat(seconds, "s");
  if (seconds < 3600) return absl::StrFormat("%dm%02ds", seconds / 60, seconds % 60);
  if (seconds < 86400) return absl::StrFormat("%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
  return absl::StrFormat("%dd%02dh", seconds / 86400, (seconds % 86400) / 3600);
}

std::string RenderStatusTable(const StatusView& view, absl::Time now, bool color) {
  std::vector<std::vector<std::string>> rows = {
      {"NAME", "STATE", "PID", "UPTIME", "RESTARTS", "ENDPOINT", "LAST EXIT"}};
  for (const ComponentStatus& component : view.components) {
    std::string last_exit = component.state() == "fatal" && !component.fatal_reason().empty()
                                ? component.fatal_reason()
                                : component.last_exit();
    if (!component.log_error().empty()) {
      absl::StrAppend(&last_exit, last_exit.empty() ? "" : "; ", "logs: ", component.log_error(),
                      " (", component.log_lines_dropped(), " lines dropped)");
    }
    rows.push_back({component.name(), component.state(),
                    component.pid() > 0 ? absl::StrCat(component.pid()) : "-",
                    component.pid() > 0 ? FormatUptime(absl::Seconds(
                                              std::max<int64_t>(1, UptimeSeconds(component, now))))
                                        : "-",
                    absl::StrCat(component.restarts()),
                    component.endpoint().empty() ? "-" : component.endpoint(),
                    last_exit.empty() ? "-" : last_exit});
  }
  std::vector<size_t> widths(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string text;
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t i = 0; i < rows[r].size(); ++i) {
      std::string cell = rows[r][i];
      const bool last = i + 1 == rows[r].size();
      std::string padded = last ? cell : absl::StrFormat("%-*s  ", widths[i], cell);
      if (color && r > 0 && i == 1) {
        padded = absl::StrCat(StateColor(cell), cell, "\033[0m",
                              std::string(widths[i] + 2 - cell.size(), ' '));
      } else if (color && r == 0) {
        padded = absl::StrCat("\033[1m", padded, "\033[0m");
      }
      absl::StrAppend(&text, padded);
    }
    absl::StrAppend(&text, "\n");
  }
  return text;
}

std::string RenderStatusJson(const StatusView& view, absl::Time now) {
  nlohmann::json components = nlohmann::json::array();
  for (const ComponentStatus& component : view.components) {
    components.push_back({{"name", component.name()},
                          {"state", component.state()},
                          {"pid", component.pid()},
                          {"uptime_s", UptimeSeconds(component, now)},
                          {"restarts", component.restarts()},
                          {"endpoint", component.endpoint()},
                          {"last_exit", component.last_exit()},
                          {"fatal_reason", component.fatal_reason()},
                          {"log_lines_dropped", component.log_lines_dropped()},
                          {"log_error", component.log_error()}});
  }
  nlohmann::json root = {
      {"daemon", {{"running", view.daemon_running}, {"pid", view.daemon_pid}, {"home", view.home}}},
      {"components", components}};
  if (!view.capabilities.is_null()) root["capabilities"] = view.capabilities;
  return root.dump(2);
}

}  // namespace stigmer::cli

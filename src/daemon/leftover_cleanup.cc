#include "daemon/leftover_cleanup.h"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/unique_fd.h"
#include "daemon/process_lock.h"
#include "supervisor/process_identity.h"

namespace stigmer::daemon {
namespace {

const stigmer::daemon::v1::SavedComponent* FindSaved(
    const std::optional<stigmer::daemon::v1::SavedState>& saved, const std::string& name) {
  if (!saved) return nullptr;
  for (const auto& component : saved->components()) {
    if (component.status().name() == name) return &component;
  }
  return nullptr;
}

// Waits until `pid` has exited, at most `timeout`; true if it did. Uses a pidfd, so there is
// no polling and no race with PID reuse.
bool WaitForExit(pid_t pid, absl::Duration timeout) {
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!pidfd) return true;  // already gone
  pollfd entry{pidfd.get(), POLLIN, 0};
  return ::poll(&entry, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout))) > 0;
}

}  // namespace

std::vector<std::string> CleanUpLeftovers(
    const config::Paths& paths, const std::vector<std::string>& components,
    const std::optional<stigmer::daemon::v1::SavedState>& saved, absl::Duration grace) {
  std::vector<std::string> actions;
  for (const std::string& name : components) {
    const std::filesystem::path pid_file = paths.PidFile(name);
    std::error_code ignored;
    if (!std::filesystem::exists(pid_file, ignored)) continue;
    const pid_t pid = ReadPidFile(pid_file);
    absl::StatusOr<supervisor::ProcessIdentity> identity =
        pid > 0 ? supervisor::ReadProcessIdentity(pid) : absl::NotFoundError("no pid in the file");
    const auto* record = FindSaved(saved, name);
    if (!identity.ok()) {
      actions.push_back(absl::StrCat("removed stale PID file ", pid_file.string()));
    } else if (record != nullptr && record->status().pid() == pid &&
               record->start_time_ticks() == identity->start_time_ticks &&
               record->exe() == identity->exe) {
      ::kill(-pid, SIGTERM);
      if (!WaitForExit(pid, grace)) {
        ::kill(-pid, SIGKILL);
        WaitForExit(pid, absl::Seconds(5));
      }
      ::kill(-pid, SIGKILL);  // whatever the leftover forked
      actions.push_back(
          absl::StrCat("stopped leftover ", name, " (pid ", pid, ") of a previous daemon"));
    } else {
      actions.push_back(absl::StrCat("PID file ", pid_file.string(), " names pid ", pid,
                                     ", which is not a stigmer process; left it alone"));
    }
    std::filesystem::remove(pid_file, ignored);
  }
  return actions;
}

}  // namespace stigmer::daemon

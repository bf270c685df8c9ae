#ifndef STIGMER_ACTIVITIES_SHELL_GROUP_RECORD_H_
#define STIGMER_ACTIVITIES_SHELL_GROUP_RECORD_H_

// What a SIGKILLed workflow-runner leaves behind: the leader of each `run: shell` process group
// dies with it (PR_SET_PDEATHSIG), but the leader's children live on, reparented to init, and
// Temporal's retry would run the command again beside them. So each workflow-runner records its
// running groups in a folder (Paths::ShellGroupsDir()), and the next one kills the leftovers of
// any that is gone before it polls for work.
//
// One file per workflow-runner, named "<pid>-<start time>" (/proc/<pid>/stat field 22), holding
// the boot id, then one "<pgid> <leader's start time>" line per running group; rewritten
// atomically as groups come and go. Not covered: a process that left its group (setsid,
// setpgid), and a retry on another machine's worker.

#include <sys/types.h>

#include <filesystem>

#include "absl/status/status.h"

namespace stigmer::activities {

// From now on, RecordShellGroup writes this process's file in `dir` (created if missing).
// Call once, before any shell command starts. Thread-safe.
absl::Status EnableShellGroupRecord(const std::filesystem::path& dir);

// Adds the group led by `pgid` (a live child of this process) to this process's file; forgets
// it. OK and nothing written before EnableShellGroupRecord. Thread-safe.
absl::Status RecordShellGroup(pid_t pgid);
void ForgetShellGroup(pid_t pgid);

// For every file in `dir` whose workflow-runner no longer runs: SIGKILLs each recorded group
// that still has a process (unless its leader's pid now names another process: then the group
// is long gone), waits up to 5 s for their processes to die, and deletes the file. Files of an
// earlier boot are deleted unread. Returns how many groups were signalled.
int KillLeftoverShellGroups(const std::filesystem::path& dir);

}  // namespace stigmer::activities

#endif  // STIGMER_ACTIVITIES_SHELL_GROUP_RECORD_H_

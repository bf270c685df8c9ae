#ifndef STIGMER_COMMON_PROCESS_SPAWN_H_
#define STIGMER_COMMON_PROCESS_SPAWN_H_

// The one place stigmer forks and execs. Callers (the supervisor's ChildProcess, the shell
// activity's ShellProcess, the MCP client through it) prepare pipes and own what comes back;
// this file owns what happens between fork and exec. The parent is multi-threaded, so
// everything the child needs is prepared before fork and the child makes only
// async-signal-safe calls until it execs.

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/unique_fd.h"

namespace stigmer {

struct Pipe {
  UniqueFd read, write;
};

// A pipe whose ends close on exec.
absl::StatusOr<Pipe> MakePipe();

struct SpawnPlan {
  enum class Mode {
    // The child leads a process group of its own and gets SIGKILL when the thread that spawned
    // it dies (PR_SET_PDEATHSIG): spawn from the thread that will wait for it.
    kGroup,
    // The child runs in a session of its own and is reparented to init: nobody waits for it.
    kDetached,
  };

  std::vector<std::string> argv;  // argv[0]: an absolute path, executed without PATH search
  std::vector<std::string> env;   // the whole environment, "NAME=value"
  std::string working_dir;        // empty: the parent's
  // The descriptors the child gets as 0, 1 and 2, and as 3 when fd3 >= 0 (fd 3 is closed
  // otherwise). The parent keeps its own copies; every other descriptor is closed in the child.
  int stdio[3] = {-1, -1, -1};
  int fd3 = -1;
  Mode mode = Mode::kGroup;
};

// Forks, sets the child up (empty signal mask, default dispositions, the descriptors above, the
// working folder) and execs. Returns once exec succeeded, with the child's pid (also its
// process group id); for kDetached 0, the intermediate child having been reaped.
//
// `before_exec` (kGroup only), when set, runs in the parent after fork while the child waits to
// exec: an error kills the child's group, reaps it and is returned (nothing of the program ran).
//
// Errors: an empty argv, a working folder that does not exist ("the working folder W does not
// exist"), exec's errno ("cannot execute /bin/x: No such file or directory"; the failed child
// is reaped), pipe and fork failures.
absl::StatusOr<pid_t> SpawnProcess(const SpawnPlan& plan,
                                   const std::function<absl::Status(pid_t)>& before_exec = {});

}  // namespace stigmer

#endif  // STIGMER_COMMON_PROCESS_SPAWN_H_

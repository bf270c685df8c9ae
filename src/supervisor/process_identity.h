#ifndef STIGMER_SUPERVISOR_PROCESS_IDENTITY_H_
#define STIGMER_SUPERVISOR_PROCESS_IDENTITY_H_

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace stigmer::supervisor {

// Who a PID is, for stale-PID decisions: a PID file names the same process only if the start
// time matches (PIDs are reused; start times are not).
struct ProcessIdentity {
  pid_t pid = 0;
  uint64_t start_time_ticks = 0;  // /proc/<pid>/stat field 22, clock ticks since boot
  std::string exe;                // /proc/<pid>/exe target; "" if not readable
};

// Reads /proc/<pid>. NotFound if there is no such process (or it is a zombie being reaped
// between the reads); other errors for unreadable /proc. Thread-safe.
absl::StatusOr<ProcessIdentity> ReadProcessIdentity(pid_t pid);

}  // namespace stigmer::supervisor

#endif  // STIGMER_SUPERVISOR_PROCESS_IDENTITY_H_

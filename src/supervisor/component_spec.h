#ifndef STIGMER_SUPERVISOR_COMPONENT_SPEC_H_
#define STIGMER_SUPERVISOR_COMPONENT_SPEC_H_

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "supervisor/component_state.h"

namespace stigmer::supervisor {

// How the supervisor decides that a started component is ready ("started" is not "ready").
struct ReadinessCheck {
  enum class Kind {
    kNone,        // ready as soon as exec succeeded
    kNotifyFd,    // the child writes "READY=1\n" to the fd named in STIGMER_READY_FD (always 3)
    kGrpcHealth,  // grpc.health.v1.Health/Check(grpc_service) on grpc_target answers SERVING
    kHttpOk       // GET http_path on http_address answers 200
  };
  Kind kind = Kind::kNone;
  std::string grpc_target;   // "127.0.0.1:7233"
  std::string grpc_service;  // "" = the server as a whole
  std::string http_address;  // kHttpOk: "127.0.0.1:7235"
  std::string http_path;     // kHttpOk: "/health"
  // kNotifyFd only; zero: none. Once ready, the child writes "WATCHDOG=1\n" to the same fd
  // every `watchdog_interval` (given to it as STIGMER_WATCHDOG_MS) while it works; when
  // `watchdog_missed` intervals pass without one, it is kUnhealthy and restarted.
  absl::Duration watchdog_interval = absl::ZeroDuration();
  int watchdog_missed = 3;
};

// Spacing of restarts and the crash-loop rule (see RestartBackoff).
struct RestartPolicy {
  absl::Duration initial_delay = absl::Milliseconds(100);  // doubles per consecutive failure
  absl::Duration max_delay = absl::Seconds(30);
  absl::Duration reset_after = absl::Seconds(60);  // up this long → next delay is initial_delay
  int fatal_failures = 5;  // this many failures within fatal_window → kFatal
  absl::Duration fatal_window = absl::Seconds(60);
};

// Size rotation of one log file (see LogSink).
struct LogRotation {
  int64_t max_bytes = 10 << 20;  // <= 0: never rotate
  int max_files = 5;             // rotated files kept: file.1 (newest) … file.<max_files>
};

// Everything the supervisor needs to run one component.
struct ComponentSpec {
  std::string name;
  std::vector<std::string> argv;  // argv[0]: absolute path of the program (no PATH search)
  std::vector<std::string> env;   // the child's whole environment, "K=V"
  ReadinessCheck readiness;
  absl::Duration start_timeout = absl::Seconds(20);
  absl::Duration stop_timeout = absl::Seconds(10);
  std::filesystem::path stdout_log, stderr_log;  // may be the same file; empty = discard
  std::filesystem::path pid_file;  // "<pid>\n" written atomically while running; empty = none
  std::vector<int> ports;          // must be free on 127.0.0.1 before each spawn
  bool external = false;           // never spawned: only its readiness is checked (state kExternal)
  RestartPolicy restart;
  LogRotation rotation;
};

// What the supervisor knows about one component at a moment (see Supervisor::Snapshot).
struct ComponentStatus {
  std::string name;
  ComponentState state = ComponentState::kStopped;
  pid_t pid = 0;                                   // 0 when no process runs
  std::optional<absl::Time> started_at, ready_at;  // of the current (or last) run
  int restarts = 0;                                // spawns after the first
  std::string last_exit;     // "exited with code 3", "killed by signal 9 (SIGKILL)", "" = never
  std::string fatal_reason;  // kFatal and start failures: what happened + the last log line
  int64_t log_lines_dropped = 0;  // lines lost to log write errors, both streams, whole life
  std::string log_error;          // the current log write error, "" when logging works
  uint64_t start_time_ticks = 0;  // /proc/<pid>/stat field 22 of the running child
};

}  // namespace stigmer::supervisor

#endif  // STIGMER_SUPERVISOR_COMPONENT_SPEC_H_

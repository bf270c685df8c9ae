#ifndef STIGMER_SUPERVISOR_SUPERVISED_COMPONENT_H_
#define STIGMER_SUPERVISOR_SUPERVISED_COMPONENT_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "supervisor/child_process.h"
#include "supervisor/component_spec.h"
#include "supervisor/component_state.h"
#include "supervisor/event_loop.h"
#include "supervisor/log_sink.h"
#include "supervisor/readiness_probe.h"
#include "supervisor/restart_backoff.h"

namespace stigmer::supervisor {

// The run-time side of one component inside the Supervisor: its process, pipes, log files,
// PID file, backoff and status. It carries out actions; the decisions (state transitions) are
// the Supervisor's. Threads: the supervisor's loop thread only.
class SupervisedComponent {
 public:
  explicit SupervisedComponent(ComponentSpec spec);
  SupervisedComponent(const SupervisedComponent&) = delete;
  SupervisedComponent& operator=(const SupervisedComponent&) = delete;
  ~SupervisedComponent();

  const ComponentSpec& spec() const { return spec_; }
  ComponentStatus& status() { return status_; }
  RestartBackoff& backoff() { return backoff_; }

  // Port preflight, fork/exec, PID file, pipe watches on `loop`. `on_notify_ready` runs on the
  // loop thread when the child writes "READY=1\n" (ReadinessCheck::kNotifyFd), `on_heartbeat`
  // (may be null) for each "WATCHDOG=1\n" (the child gets STIGMER_WATCHDOG_MS when the spec
  // has a watchdog). Updates pid, started_at, restarts, start_time_ticks. Errors: the preflight
  // or exec error (nothing runs).
  absl::Status Spawn(EventLoop& loop, std::function<void()> on_notify_ready,
                     std::function<void()> on_heartbeat = nullptr);

  bool has_process() const { return child_.has_value(); }

  // If the child exited: reaps it, drains and closes its pipes (every line it wrote is logged),
  // SIGKILLs what is left of its process group, removes the PID file, sets last_exit and pid=0.
  // Returns whether it exited.
  bool ReapIfExited(EventLoop& loop);

  // Signals the child's process group (no-op without a child).
  void SignalGroup(int signal_number);

  // Copies the log sinks' drop counters and errors into status(); true if they changed.
  bool RefreshLogCounters();

  // "  <line>\n" for each remembered output line (last 20), for error messages.
  std::string LogTailText() const;
  std::string LastLogLine() const { return tail_.LastLine(); }

  // Loop bookkeeping owned by the Supervisor.
  EventLoop::TimerId timer = 0;           // backoff, start or stop timer of the current state
  EventLoop::TimerId watchdog_timer = 0;  // while kReady with a watchdog: heartbeat overdue
  std::unique_ptr<ReadinessProbe> probe;
  uint64_t generation = 0;  // bumped per spawn: late readiness reports of old runs are ignored
  AfterStop after_stop = AfterStop::kStayDown;
  absl::Duration respawn_delay;  // from the last RestartBackoff decision
  std::string failure;           // a failure that is not an exit (spawn error, start timeout)
  bool spawned_once = false;
  std::function<void()> on_log_status_changed;  // drop count or log error changed

 private:
  void WatchPipe(EventLoop& loop, UniqueFd& fd, LogStream* stream);
  void ReadPipe(EventLoop& loop, UniqueFd& fd, LogStream* stream);
  void CloseAllPipes(EventLoop& loop);

  ComponentSpec spec_;
  ComponentStatus status_;
  RestartBackoff backoff_;
  LogTail tail_;
  std::unique_ptr<LogSink> stdout_sink_, stderr_sink_;  // the same sink twice if one file
  std::unique_ptr<LogStream> stdout_stream_, stderr_stream_;
  std::optional<ChildProcess> child_;
  UniqueFd stdout_fd_, stderr_fd_, ready_fd_;
  std::string ready_buffer_;
  std::vector<char> read_buffer_;
};

}  // namespace stigmer::supervisor

#endif  // STIGMER_SUPERVISOR_SUPERVISED_COMPONENT_H_

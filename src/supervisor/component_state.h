#ifndef STIGMER_SUPERVISOR_COMPONENT_STATE_H_
#define STIGMER_SUPERVISOR_COMPONENT_STATE_H_

#include "absl/strings/string_view.h"

namespace stigmer::supervisor {

// The lifecycle of one component, s6-style: an explicit state × event → (state, action) table.
// The table is pure (no clock, no processes) so that it is unit-tested on its own; the
// Supervisor feeds it events from its loop and carries out the actions.
// kUnhealthy: it was ready, then its heartbeat stopped (ReadinessCheck::watchdog_interval); it is
// being stopped (SIGTERM, SIGKILL after stop_timeout) to be started again like after a crash.
enum class ComponentState {
  kStopped,
  kStarting,
  kReady,
  kBackoff,
  kStopping,
  kFatal,
  kExternal,
  kUnhealthy
};

// "stopped", "starting", "ready", "backoff", "stopping", "fatal", "external", "unhealthy".
absl::string_view ToString(ComponentState state);

enum class ComponentEvent {
  kStart,            // start requested (initial start, RequestRestart of a stopped/fatal one)
  kSpawnFailed,      // preflight or exec failed; counts as a failure
  kReady,            // the readiness check passed
  kStartTimedOut,    // start_timeout passed while kStarting
  kExited,           // the process (group leader) exited and was reaped
  kBackoffElapsed,   // the restart delay passed
  kStop,             // stop requested (supervisor stop, or first half of a restart)
  kStopTimedOut,     // stop_timeout passed after SIGTERM
  kHeartbeatMissed,  // a ready component's heartbeat is overdue
};
absl::string_view ToString(ComponentEvent event);

enum class ComponentAction {
  kNone,
  kSpawn,            // preflight + fork/exec (or, for an external component, probe only)
  kScheduleRespawn,  // arm the backoff timer
  kTerminate,        // SIGTERM to the process group, arm the stop timer
  kKill,             // SIGKILL to the process group
  kReportFatal,      // record fatal_reason, tell the observer
};

// What the component should do once a stop it is in completes.
enum class AfterStop {
  kStayDown,  // supervisor stop: stay stopped
  kRespawn,   // restart request: start again at once
  kBackoff,   // failure (start timeout): respawn after the backoff delay
  kFatal,     // failure that tripped the crash-loop rule
};

// Facts the table needs beyond the state; the supervisor computes them before each event.
struct TransitionContext {
  bool want_up = true;      // false once the supervisor stops: exits are only recorded
  bool crash_loop = false;  // for kExited/kSpawnFailed: RestartBackoff said this failure is fatal
  bool external = false;    // the component is not spawned by us
  AfterStop after_stop = AfterStop::kStayDown;  // for kExited while kStopping or kUnhealthy
};

struct Transition {
  ComponentState next;
  ComponentAction action;
  friend bool operator==(const Transition&, const Transition&) = default;
};

// The transition table. Events that make no sense in a state leave it unchanged with kNone
// (e.g. a late readiness report after the component began stopping).
Transition NextTransition(ComponentState state, ComponentEvent event,
                          const TransitionContext& context);

}  // namespace stigmer::supervisor

#endif  // STIGMER_SUPERVISOR_COMPONENT_STATE_H_

#include "supervisor/component_state.h"

namespace stigmer::supervisor {
namespace {

using State = ComponentState;
using Event = ComponentEvent;
using Action = ComponentAction;

// A failure of a running (or starting) process: back off, or fatal on a crash loop.
Transition AfterFailure(const TransitionContext& context) {
  if (!context.want_up) return {State::kStopped, Action::kNone};
  if (context.crash_loop) return {State::kFatal, Action::kReportFatal};
  return {State::kBackoff, Action::kScheduleRespawn};
}

// The process of a stopping (or unhealthy) component exited: what the stop was for.
Transition AfterStopped(const TransitionContext& context) {
  if (!context.want_up) return {State::kStopped, Action::kNone};
  switch (context.after_stop) {
    case AfterStop::kStayDown:
      return {State::kStopped, Action::kNone};
    case AfterStop::kRespawn:
      return {State::kStarting, Action::kSpawn};
    case AfterStop::kBackoff:
      return {State::kBackoff, Action::kScheduleRespawn};
    case AfterStop::kFatal:
      return {State::kFatal, Action::kReportFatal};
  }
  return {State::kStopped, Action::kNone};
}

}  // namespace

absl::string_view ToString(ComponentState state) {
  switch (state) {
    case State::kStopped:
      return "stopped";
    case State::kStarting:
      return "starting";
    case State::kReady:
      return "ready";
    case State::kBackoff:
      return "backoff";
    case State::kStopping:
      return "stopping";
    case State::kFatal:
      return "fatal";
    case State::kExternal:
      return "external";
    case State::kUnhealthy:
      return "unhealthy";
  }
  return "unknown";
}

absl::string_view ToString(ComponentEvent event) {
  switch (event) {
    case Event::kStart:
      return "start";
    case Event::kSpawnFailed:
      return "spawn-failed";
    case Event::kReady:
      return "ready";
    case Event::kStartTimedOut:
      return "start-timed-out";
    case Event::kExited:
      return "exited";
    case Event::kBackoffElapsed:
      return "backoff-elapsed";
    case Event::kStop:
      return "stop";
    case Event::kStopTimedOut:
      return "stop-timed-out";
    case Event::kHeartbeatMissed:
      return "heartbeat-missed";
  }
  return "unknown";
}

Transition NextTransition(ComponentState state, ComponentEvent event,
                          const TransitionContext& context) {
  const Transition unchanged{state, Action::kNone};
  switch (state) {
    case State::kStopped:
    case State::kFatal:
      if (event == Event::kStart) return {State::kStarting, Action::kSpawn};
      return unchanged;

    case State::kBackoff:
      if (event == Event::kStart || event == Event::kBackoffElapsed) {
        return {State::kStarting, Action::kSpawn};
      }
      if (event == Event::kStop) return {State::kStopped, Action::kNone};
      return unchanged;

    case State::kStarting:
      switch (event) {
        case Event::kReady:
          return {context.external ? State::kExternal : State::kReady, Action::kNone};
        case Event::kSpawnFailed:
        case Event::kExited:
          return AfterFailure(context);
        case Event::kStartTimedOut:
          if (context.external) return {State::kFatal, Action::kReportFatal};
          return {State::kStopping, Action::kTerminate};
        case Event::kStop:
          if (context.external) return {State::kStopped, Action::kNone};
          return {State::kStopping, Action::kTerminate};
        default:
          return unchanged;
      }

    case State::kReady:
      if (event == Event::kExited) return AfterFailure(context);
      if (event == Event::kStop) return {State::kStopping, Action::kTerminate};
      if (event == Event::kHeartbeatMissed) return {State::kUnhealthy, Action::kTerminate};
      return unchanged;

    case State::kUnhealthy:
      // Stopping on its own; a supervisor stop or a restart request only changes what follows.
      if (event == Event::kStop) return {State::kStopping, Action::kTerminate};
      if (event == Event::kStopTimedOut) return {State::kUnhealthy, Action::kKill};
      if (event == Event::kExited) return AfterStopped(context);
      return unchanged;

    case State::kExternal:
      if (event == Event::kStop) return {State::kStopped, Action::kNone};
      return unchanged;

    case State::kStopping:
      if (event == Event::kStopTimedOut) return {State::kStopping, Action::kKill};
      if (event != Event::kExited) return unchanged;
      return AfterStopped(context);
  }
  return unchanged;
}

}  // namespace stigmer::supervisor

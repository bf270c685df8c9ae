#include "supervisor/component_state.h"

#include "gtest/gtest.h"

namespace stigmer::supervisor {
namespace {

using State = ComponentState;
using Event = ComponentEvent;
using Action = ComponentAction;

TEST(ComponentStateTest, NamesAreStable) {
  EXPECT_EQ(ToString(State::kStopped), "stopped");
  EXPECT_EQ(ToString(State::kStarting), "starting");
  EXPECT_EQ(ToString(State::kReady), "ready");
  EXPECT_EQ(ToString(State::kBackoff), "backoff");
  EXPECT_EQ(ToString(State::kStopping), "stopping");
  EXPECT_EQ(ToString(State::kFatal), "fatal");
  EXPECT_EQ(ToString(State::kExternal), "external");
  EXPECT_EQ(ToString(State::kUnhealthy), "unhealthy");
}

TEST(ComponentStateTest, StartSpawnsFromStoppedFatalAndBackoff) {
  for (State state : {State::kStopped, State::kFatal, State::kBackoff}) {
    EXPECT_EQ(NextTransition(state, Event::kStart, {}),
              (Transition{State::kStarting, Action::kSpawn}))
        << ToString(state);
  }
  EXPECT_EQ(NextTransition(State::kBackoff, Event::kBackoffElapsed, {}),
            (Transition{State::kStarting, Action::kSpawn}));
}

TEST(ComponentStateTest, ReadyOnlyWhileStarting) {
  EXPECT_EQ(NextTransition(State::kStarting, Event::kReady, {}),
            (Transition{State::kReady, Action::kNone}));
  TransitionContext external;
  external.external = true;
  EXPECT_EQ(NextTransition(State::kStarting, Event::kReady, external),
            (Transition{State::kExternal, Action::kNone}));
  // A late readiness report after a stop began changes nothing.
  EXPECT_EQ(NextTransition(State::kStopping, Event::kReady, {}),
            (Transition{State::kStopping, Action::kNone}));
}

TEST(ComponentStateTest, CrashBacksOffOrBecomesFatal) {
  for (State state : {State::kStarting, State::kReady}) {
    EXPECT_EQ(NextTransition(state, Event::kExited, {}),
              (Transition{State::kBackoff, Action::kScheduleRespawn}));
    TransitionContext loop;
    loop.crash_loop = true;
    EXPECT_EQ(NextTransition(state, Event::kExited, loop),
              (Transition{State::kFatal, Action::kReportFatal}));
  }
  TransitionContext loop;
  loop.crash_loop = true;
  EXPECT_EQ(NextTransition(State::kStarting, Event::kSpawnFailed, loop),
            (Transition{State::kFatal, Action::kReportFatal}));
}

TEST(ComponentStateTest, CrashDuringSupervisorStopIsOnlyRecorded) {
  TransitionContext stopping;
  stopping.want_up = false;
  stopping.crash_loop = true;
  EXPECT_EQ(NextTransition(State::kReady, Event::kExited, stopping),
            (Transition{State::kStopped, Action::kNone}));
  stopping.after_stop = AfterStop::kRespawn;
  EXPECT_EQ(NextTransition(State::kStopping, Event::kExited, stopping),
            (Transition{State::kStopped, Action::kNone}));
}

TEST(ComponentStateTest, StopTerminatesThenKillsAtTimeout) {
  EXPECT_EQ(NextTransition(State::kReady, Event::kStop, {}),
            (Transition{State::kStopping, Action::kTerminate}));
  EXPECT_EQ(NextTransition(State::kStarting, Event::kStop, {}),
            (Transition{State::kStopping, Action::kTerminate}));
  EXPECT_EQ(NextTransition(State::kStopping, Event::kStopTimedOut, {}),
            (Transition{State::kStopping, Action::kKill}));
  EXPECT_EQ(NextTransition(State::kBackoff, Event::kStop, {}),
            (Transition{State::kStopped, Action::kNone}));
  EXPECT_EQ(NextTransition(State::kExternal, Event::kStop, {}),
            (Transition{State::kStopped, Action::kNone}));
  EXPECT_EQ(NextTransition(State::kFatal, Event::kStop, {}),
            (Transition{State::kFatal, Action::kNone}));
}

TEST(ComponentStateTest, ExitWhileStoppingFollowsAfterStop) {
  TransitionContext context;
  context.after_stop = AfterStop::kStayDown;
  EXPECT_EQ(NextTransition(State::kStopping, Event::kExited, context),
            (Transition{State::kStopped, Action::kNone}));
  context.after_stop = AfterStop::kRespawn;
  EXPECT_EQ(NextTransition(State::kStopping, Event::kExited, context),
            (Transition{State::kStarting, Action::kSpawn}));
  context.after_stop = AfterStop::kBackoff;
  EXPECT_EQ(NextTransition(State::kStopping, Event::kExited, context),
            (Transition{State::kBackoff, Action::kScheduleRespawn}));
  context.after_stop = AfterStop::kFatal;
  EXPECT_EQ(NextTransition(State::kStopping, Event::kExited, context),
            (Transition{State::kFatal, Action::kReportFatal}));
}

TEST(ComponentStateTest, StartTimeout) {
  EXPECT_EQ(NextTransition(State::kStarting, Event::kStartTimedOut, {}),
            (Transition{State::kStopping, Action::kTerminate}));
  TransitionContext external;
  external.external = true;
  EXPECT_EQ(NextTransition(State::kStarting, Event::kStartTimedOut, external),
            (Transition{State::kFatal, Action::kReportFatal}));
  EXPECT_EQ(NextTransition(State::kReady, Event::kStartTimedOut, {}),
            (Transition{State::kReady, Action::kNone}));
}

TEST(ComponentStateTest, AMissedHeartbeatMakesAReadyComponentUnhealthyAndStopsIt) {
  EXPECT_EQ(NextTransition(State::kReady, Event::kHeartbeatMissed, {}),
            (Transition{State::kUnhealthy, Action::kTerminate}));
  // Only a ready component is watched.
  for (State state : {State::kStarting, State::kStopping, State::kBackoff, State::kExternal}) {
    EXPECT_EQ(NextTransition(state, Event::kHeartbeatMissed, {}),
              (Transition{state, Action::kNone}))
        << ToString(state);
  }
  // A stopped (SIGSTOP) process may not die of SIGTERM: SIGKILL after the stop timeout.
  EXPECT_EQ(NextTransition(State::kUnhealthy, Event::kStopTimedOut, {}),
            (Transition{State::kUnhealthy, Action::kKill}));
  EXPECT_EQ(NextTransition(State::kUnhealthy, Event::kReady, {}),
            (Transition{State::kUnhealthy, Action::kNone}));
}

TEST(ComponentStateTest, AnUnhealthyComponentIsRestartedLikeACrashedOne) {
  TransitionContext context;
  context.after_stop = AfterStop::kBackoff;
  EXPECT_EQ(NextTransition(State::kUnhealthy, Event::kExited, context),
            (Transition{State::kBackoff, Action::kScheduleRespawn}));
  context.after_stop = AfterStop::kFatal;
  EXPECT_EQ(NextTransition(State::kUnhealthy, Event::kExited, context),
            (Transition{State::kFatal, Action::kReportFatal}));
  context.after_stop = AfterStop::kRespawn;  // a restart request came meanwhile
  EXPECT_EQ(NextTransition(State::kUnhealthy, Event::kExited, context),
            (Transition{State::kStarting, Action::kSpawn}));
  // The supervisor stops: it stays down.
  EXPECT_EQ(NextTransition(State::kUnhealthy, Event::kStop, {}),
            (Transition{State::kStopping, Action::kTerminate}));
  TransitionContext stopping;
  stopping.want_up = false;
  stopping.after_stop = AfterStop::kBackoff;
  EXPECT_EQ(NextTransition(State::kUnhealthy, Event::kExited, stopping),
            (Transition{State::kStopped, Action::kNone}));
}

}  // namespace
}  // namespace stigmer::supervisor

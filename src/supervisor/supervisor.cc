#include "supervisor/supervisor.h"

#include <errno.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "spdlog/spdlog.h"
#include "supervisor/http_ok_probe.h"
#include "supervisor/readiness_probe.h"
#include "supervisor/supervised_component.h"

namespace stigmer::supervisor {
namespace {
using State = ComponentState;
using Event = ComponentEvent;
using Action = ComponentAction;

UniqueFd MakeSignalFd() {
  sigset_t set;
  sigemptyset(&set);
  for (int signal_number : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&set, signal_number);
  return UniqueFd(::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
}
}  // namespace

Supervisor::Supervisor(std::vector<ComponentSpec> specs, std::vector<std::string> stop_order,
                       SupervisorObserver* observer)
    : observer_(observer), signal_fd_(MakeSignalFd()) {
  for (ComponentSpec& spec : specs) {
    components_.push_back(std::make_unique<SupervisedComponent>(std::move(spec)));
  }
  std::vector<bool> placed(components_.size(), false);
  for (const std::string& name : stop_order) {
    for (size_t i = 0; i < components_.size(); ++i) {
      if (components_[i]->spec().name == name && !placed[i]) {
        stop_order_.push_back(i);
        placed[i] = true;
      }
    }
  }
  for (size_t i = components_.size(); i-- > 0;) {
    if (!placed[i]) stop_order_.push_back(i);
  }
  absl::MutexLock lock(&mu_);
  for (size_t i = 0; i < components_.size(); ++i) {
    components_[i]->on_log_status_changed = [this, i] { Publish(i); };
    published_.push_back(components_[i]->status());
  }
}

Supervisor::~Supervisor() {
  // Probe threads post to loop_, which is destroyed before components_: stop them first.
  for (auto& component : components_) component->probe.reset();
}

namespace {
bool SupervisorSignalsBlocked() {
  sigset_t mask;
  if (pthread_sigmask(SIG_BLOCK, nullptr, &mask) != 0) return false;
  for (int signal_number : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) {
    if (sigismember(&mask, signal_number) != 1) return false;
  }
  return true;
}
}  // namespace

absl::Status Supervisor::Run() {
  if (!loop_.init_status().ok()) return loop_.init_status();
  if (!signal_fd_) return absl::InternalError("cannot create the signalfd");
  if (!SupervisorSignalsBlocked()) {
    return absl::FailedPreconditionError(
        "BlockSupervisorSignals() must be called in main() before any thread is created");
  }
  absl::Status watched =
      loop_.Watch(signal_fd_.get(), EPOLLIN, [this](uint32_t) { ReadSignals(); });
  if (!watched.ok()) return watched;
  StartNext();
  while (phase_ != Phase::kDone) {
    if (absl::Status ran = loop_.RunOnce(); !ran.ok()) return ran;  // children die with us
  }
  return start_error_;
}

void Supervisor::RequestStop() {
  loop_.Post([this] { BeginStop(); });
}

void Supervisor::RequestRestart(const std::string& name) {
  loop_.Post([this, name] {
    if (phase_ != Phase::kRunning) return;
    for (size_t i = 0; i < components_.size(); ++i) {
      if (name.empty() || components_[i]->spec().name == name) Restart(i);
    }
  });
}

std::vector<ComponentStatus> Supervisor::Snapshot() const {
  absl::MutexLock lock(&mu_);
  return published_;
}

void Supervisor::Publish(size_t index) {
  SupervisedComponent& component = *components_[index];
  component.RefreshLogCounters();
  {
    absl::MutexLock lock(&mu_);
    published_[index] = component.status();
  }
  if (observer_ != nullptr) observer_->OnStatusChanged(component.status());
}

void Supervisor::ReadSignals() {
  signalfd_siginfo info;
  bool child_exited = false;
  while (::read(signal_fd_.get(), &info, sizeof(info)) == sizeof(info)) {
    switch (info.ssi_signo) {
      case SIGCHLD:
        child_exited = true;
        break;
      case SIGTERM:
      case SIGINT:
        spdlog::info("received signal {}: stopping", info.ssi_signo);
        if (observer_ != nullptr) observer_->OnStopSignal();
        BeginStop();
        break;
      default:
        spdlog::info("ignoring signal {}", info.ssi_signo);
        break;
    }
  }
  if (child_exited) {
    for (size_t i = 0; i < components_.size(); ++i) {
      if (components_[i]->ReapIfExited(loop_)) OnExited(i);
    }
  }
}

void Supervisor::Apply(size_t index, ComponentEvent event, TransitionContext context) {
  SupervisedComponent& c = *components_[index];
  context.external = c.spec().external;
  if (phase_ == Phase::kStopping || phase_ == Phase::kDone) context.want_up = false;
  context.after_stop = c.after_stop;
  const State before = c.status().state;
  const Transition next = NextTransition(before, event, context);
  if (next.next == before && next.action == Action::kNone) return;
  if (next.next != before) {
    CancelTimer(index);
    if (c.watchdog_timer != 0) loop_.CancelTimer(std::exchange(c.watchdog_timer, 0));
    if (before == State::kStarting) c.probe.reset();
    if (before == State::kStopping) c.after_stop = AfterStop::kStayDown;
    if (before == State::kFatal) c.status().fatal_reason.clear();
  }
  c.status().state = next.next;
  switch (next.action) {
    case Action::kScheduleRespawn:
      spdlog::info("{}: restarting in {}", c.spec().name, absl::FormatDuration(c.respawn_delay));
      SetTimer(index, c.respawn_delay, Event::kBackoffElapsed);
      break;
    case Action::kTerminate:
      c.SignalGroup(SIGTERM);
      c.SignalGroup(SIGCONT);  // a stopped process handles its SIGTERM only once continued
      SetTimer(index, c.spec().stop_timeout, Event::kStopTimedOut);
      break;
    case Action::kKill:
      spdlog::warn("{}: not stopped after {}: SIGKILL", c.spec().name,
                   absl::FormatDuration(c.spec().stop_timeout));
      c.SignalGroup(SIGKILL);
      break;
    case Action::kReportFatal: {
      std::string reason = std::exchange(c.failure, "");
      if (reason.empty()) reason = c.status().last_exit;
      const std::string last_line = c.LastLogLine();
      if (!last_line.empty()) absl::StrAppend(&reason, "; last log line: ", last_line);
      c.status().fatal_reason = reason;
      spdlog::error("{}: fatal: {}", c.spec().name, reason);
      break;
    }
    default:
      break;
  }
  if (next.next == State::kReady || next.next == State::kExternal) {
    c.status().ready_at = absl::Now();
    spdlog::info("{}: {}", c.spec().name, std::string(ToString(next.next)));
    if (next.next == State::kReady) ArmWatchdog(index);
  }
  Publish(index);
  if (phase_ == Phase::kStarting) {
    if ((next.next == State::kReady || next.next == State::kExternal) && index == next_to_start_) {
      ++next_to_start_;
      StartNext();
    } else if (next.next == State::kFatal) {
      FailStart(index, absl::FailedPreconditionError(c.status().fatal_reason));
    }
  }
  if (next.action == Action::kSpawn) Spawn(index);  // last: it may apply further events
}

void Supervisor::Spawn(size_t index) {
  SupervisedComponent& c = *components_[index];
  const uint64_t generation = ++c.generation;
  if (!c.spec().external) {
    std::function<void()> on_heartbeat;
    if (c.spec().readiness.watchdog_interval > absl::ZeroDuration()) {
      on_heartbeat = [this, index, generation] { OnHeartbeat(index, generation); };
    }
    absl::Status spawned = c.Spawn(
        loop_, [this, index, generation] { OnReady(index, generation); }, std::move(on_heartbeat));
    if (!spawned.ok()) {
      spdlog::warn("{}: cannot start: {}", c.spec().name, std::string(spawned.message()));
      c.failure = std::string(spawned.message());
      TransitionContext context;
      if (phase_ == Phase::kStarting) {
        context.crash_loop = true;  // at the first start, a spawn failure is final
      } else {
        const absl::Time now = absl::Now();
        RestartBackoff::Decision decision = c.backoff().RecordFailure(now, now);
        context.crash_loop = decision.fatal;
        c.respawn_delay = decision.delay;
      }
      Apply(index, Event::kSpawnFailed, context);
      return;
    }
    spdlog::info("{}: started, pid {}", c.spec().name, c.status().pid);
  } else {
    c.status().started_at = absl::Now();
    c.status().ready_at.reset();
  }
  Publish(index);
  SetTimer(index, c.spec().start_timeout, Event::kStartTimedOut);
  const ReadinessCheck& readiness = c.spec().readiness;
  if (readiness.kind == ReadinessCheck::Kind::kGrpcHealth) {
    c.probe = std::make_unique<GrpcHealthProbe>(
        readiness.grpc_target, readiness.grpc_service, [this, index, generation] {
          loop_.Post([this, index, generation] { OnReady(index, generation); });
        });
  } else if (readiness.kind == ReadinessCheck::Kind::kHttpOk) {
    c.probe = std::make_unique<HttpOkProbe>(
        readiness.http_address, readiness.http_path, [this, index, generation] {
          loop_.Post([this, index, generation] { OnReady(index, generation); });
        });
  } else if (readiness.kind == ReadinessCheck::Kind::kNone ||
             (c.spec().external && readiness.kind == ReadinessCheck::Kind::kNotifyFd)) {
    Apply(index, Event::kReady);
  }
}

void Supervisor::OnReady(size_t index, uint64_t generation) {
  if (components_[index]->generation != generation) return;  // a report about an older run
  Apply(index, Event::kReady);
}

void Supervisor::ArmWatchdog(size_t index) {
  SupervisedComponent& c = *components_[index];
  const ReadinessCheck& readiness = c.spec().readiness;
  if (readiness.watchdog_interval <= absl::ZeroDuration()) return;
  if (c.watchdog_timer != 0) loop_.CancelTimer(c.watchdog_timer);
  c.watchdog_timer = loop_.AddTimer(
      readiness.watchdog_interval * std::max(1, readiness.watchdog_missed), [this, index] {
        components_[index]->watchdog_timer = 0;
        OnHeartbeatOverdue(index);
      });
}

void Supervisor::OnHeartbeat(size_t index, uint64_t generation) {
  SupervisedComponent& c = *components_[index];
  if (c.generation != generation || c.status().state != State::kReady) return;
  ArmWatchdog(index);
}

void Supervisor::OnHeartbeatOverdue(size_t index) {
  SupervisedComponent& c = *components_[index];
  if (c.status().state != State::kReady) return;
  const ReadinessCheck& readiness = c.spec().readiness;
  const std::string why = absl::StrCat(
      "unhealthy: no heartbeat for ",
      absl::FormatDuration(readiness.watchdog_interval * std::max(1, readiness.watchdog_missed)));
  spdlog::warn("{}: {}; restarting it", c.spec().name, why);
  StopAfterFailure(index, why, Event::kHeartbeatMissed);
}

void Supervisor::StopAfterFailure(size_t index, std::string why, ComponentEvent event) {
  SupervisedComponent& c = *components_[index];
  const absl::Time now = absl::Now();
  RestartBackoff::Decision decision =
      c.backoff().RecordFailure(c.status().started_at.value_or(now), now);
  c.after_stop = decision.fatal ? AfterStop::kFatal : AfterStop::kBackoff;
  c.respawn_delay = decision.delay;
  c.failure = std::move(why);
  Apply(index, event);
}

void Supervisor::OnExited(size_t index) {
  SupervisedComponent& c = *components_[index];
  const State state = c.status().state;
  if (state == State::kUnhealthy && !c.failure.empty()) {
    absl::StrAppend(&c.status().last_exit, " (", c.failure, ")");
    if (c.after_stop != AfterStop::kFatal) c.failure.clear();  // kept only as a fatal reason
  }
  spdlog::log(state == State::kStopping ? spdlog::level::info : spdlog::level::warn, "{}: {}",
              c.spec().name, c.status().last_exit);
  TransitionContext context;
  context.want_up = phase_ == Phase::kStarting || phase_ == Phase::kRunning;
  if (context.want_up && (state == State::kStarting || state == State::kReady)) {
    const absl::Time now = absl::Now();
    RestartBackoff::Decision decision =
        c.backoff().RecordFailure(c.status().started_at.value_or(now), now);
    context.crash_loop = decision.fatal;
    c.respawn_delay = decision.delay;
  }
  Apply(index, Event::kExited, context);
  if (c.status().state == state) Publish(index);  // last_exit and pid changed all the same
  if (phase_ == Phase::kStopping) StopNext();
}

void Supervisor::OnStartTimeout(size_t index) {
  SupervisedComponent& c = *components_[index];
  const std::string why =
      absl::StrCat("not ready within ", absl::FormatDuration(c.spec().start_timeout));
  if (phase_ == Phase::kStarting) {
    FailStart(index, absl::DeadlineExceededError(why));
    return;
  }
  spdlog::warn("{}: {}", c.spec().name, why);
  StopAfterFailure(index, why, Event::kStartTimedOut);
}

void Supervisor::StartNext() {
  if (phase_ != Phase::kStarting) return;
  if (next_to_start_ == components_.size()) {
    phase_ = Phase::kRunning;
    spdlog::info("all {} components are ready", components_.size());
    if (observer_ != nullptr) observer_->OnAllReady();
    return;
  }
  Apply(next_to_start_, Event::kStart);
}

void Supervisor::FailStart(size_t index, absl::Status reason) {
  if (phase_ != Phase::kStarting) return;
  SupervisedComponent& c = *components_[index];
  std::string message =
      absl::StrCat("component \"", c.spec().name, "\" failed to start: ", reason.message());
  if (const std::string tail = c.LogTailText(); !tail.empty()) {
    absl::StrAppend(&message, "\nlast log lines:\n", tail);
  }
  spdlog::error("{}", message);
  start_error_ = absl::Status(reason.code(), message);
  BeginStop();
}

void Supervisor::BeginStop() {
  if (phase_ == Phase::kStopping || phase_ == Phase::kDone) return;
  phase_ = Phase::kStopping;
  for (size_t i = 0; i < components_.size(); ++i) {
    SupervisedComponent& c = *components_[i];
    c.probe.reset();
    if (!c.has_process()) Apply(i, Event::kStop);  // backoff, external: nothing to wait for
  }
  stop_cursor_ = 0;
  StopNext();
}

void Supervisor::StopNext() {
  for (; stop_cursor_ < stop_order_.size(); ++stop_cursor_) {
    const size_t index = stop_order_[stop_cursor_];
    SupervisedComponent& c = *components_[index];
    if (!c.has_process()) continue;
    c.after_stop = AfterStop::kStayDown;
    if (c.status().state != State::kStopping) {
      spdlog::info("{}: stopping", c.spec().name);
      Apply(index, Event::kStop);
    }
    return;  // OnExited calls again
  }
  phase_ = Phase::kDone;
}

void Supervisor::Restart(size_t index) {
  SupervisedComponent& c = *components_[index];
  spdlog::info("{}: restart requested", c.spec().name);
  switch (c.status().state) {
    case State::kFatal:
    case State::kStopped:
    case State::kBackoff:
      c.backoff().Reset();
      Apply(index, Event::kStart);
      break;
    case State::kStarting:
    case State::kReady:
      c.after_stop = AfterStop::kRespawn;
      Apply(index, Event::kStop);
      break;
    case State::kStopping:
    case State::kUnhealthy:
      c.after_stop = AfterStop::kRespawn;
      break;
    case State::kExternal:
      break;
  }
}

void Supervisor::SetTimer(size_t index, absl::Duration delay, ComponentEvent event) {
  CancelTimer(index);
  components_[index]->timer = loop_.AddTimer(delay, [this, index, event] {
    components_[index]->timer = 0;
    if (event == Event::kStartTimedOut) {
      OnStartTimeout(index);
    } else {
      Apply(index, event);
    }
  });
}

void Supervisor::CancelTimer(size_t index) {
  SupervisedComponent& c = *components_[index];
  if (c.timer != 0) loop_.CancelTimer(std::exchange(c.timer, 0));
}

}  // namespace stigmer::supervisor

#include "daemon/stack_runner.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace stigmer::daemon {

StackRunner::StackRunner(ProfileSource source, supervisor::SupervisorObserver* observer,
                         RoundCallback on_round, StopCallback on_stop)
    : source_(std::move(source)),
      observer_(observer),
      on_round_(std::move(on_round)),
      on_stop_(std::move(on_stop)) {}

void StackRunner::RoundObserver::OnStatusChanged(const supervisor::ComponentStatus& status) {
  if (runner_->observer_ != nullptr) runner_->observer_->OnStatusChanged(status);
}

void StackRunner::RoundObserver::OnAllReady() {
  if (runner_->observer_ != nullptr) runner_->observer_->OnAllReady();
}

void StackRunner::RoundObserver::OnStopSignal() {
  if (runner_->observer_ != nullptr) runner_->observer_->OnStopSignal();
  if (runner_->BeginStackStop() && runner_->on_stop_) runner_->on_stop_();
}

bool StackRunner::BeginStackStop() {
  absl::MutexLock lock(&mutex_);
  next_.reset();
  if (stop_requested_) return false;
  stop_requested_ = true;
  return true;
}

absl::Status StackRunner::Run(StackProfile profile) {
  while (true) {
    if (on_round_) on_round_(profile);
    supervisor::Supervisor supervisor(profile.components, profile.stop_order, &round_observer_);
    {
      absl::MutexLock lock(&mutex_);
      if (stop_requested_) return absl::OkStatus();
      current_ = &supervisor;
      names_.clear();
      for (const auto& spec : profile.components) names_.push_back(spec.name);
    }
    const absl::Status ran = supervisor.Run();
    {
      absl::MutexLock lock(&mutex_);
      current_ = nullptr;
      if (!ran.ok() || stop_requested_ || !next_.has_value()) return ran;
      profile = *std::move(next_);
      next_.reset();
    }
    spdlog::info("every component stopped; starting them again with the configuration read again");
  }
}

absl::Status StackRunner::RequestRestart(const std::string& name) {
  if (!name.empty()) {
    absl::MutexLock lock(&mutex_);
    if (std::find(names_.begin(), names_.end(), name) == names_.end()) {
      return absl::NotFoundError(absl::StrCat("unknown component \"", name, "\""));
    }
    if (current_ == nullptr || stop_requested_) {
      return absl::FailedPreconditionError("the daemon is stopping or restarting everything");
    }
    current_->RequestRestart(name);
    return absl::OkStatus();
  }
  absl::StatusOr<StackProfile> profile = source_();  // reads files: outside the lock
  if (!profile.ok()) return profile.status();
  absl::MutexLock lock(&mutex_);
  if (current_ == nullptr || stop_requested_) {
    return absl::FailedPreconditionError("the daemon is stopping or restarting everything");
  }
  spdlog::info("restart of every component requested: stopping them in stop order");
  next_ = *std::move(profile);
  current_->RequestStop();
  return absl::OkStatus();
}

void StackRunner::RequestStop() {
  if (BeginStackStop() && on_stop_) on_stop_();
  absl::MutexLock lock(&mutex_);
  if (current_ != nullptr) current_->RequestStop();
}

}  // namespace stigmer::daemon

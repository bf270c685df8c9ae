#include "daemon/daemon_state.h"

#include <algorithm>

namespace stigmer::daemon {

DaemonState::DaemonState(int supervisor_pid, std::string home) {
  status_.set_supervisor_pid(supervisor_pid);
  status_.set_home(std::move(home));
  status_.set_phase("starting");
}

DaemonState::Subscription::~Subscription() {
  absl::MutexLock lock(&state_->mutex_);
  auto& subscribers = state_->subscribers_;
  subscribers.erase(std::remove(subscribers.begin(), subscribers.end(), this), subscribers.end());
}

std::optional<DaemonState::Event> DaemonState::Subscription::Next(absl::Duration timeout) {
  absl::MutexLock lock(&state_->mutex_);
  auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(state_->mutex_) {
    return !queue_.empty() || state_->closed_;
  };
  state_->mutex_.AwaitWithTimeout(absl::Condition(&ready), timeout);
  if (queue_.empty()) return std::nullopt;
  Event event = std::move(queue_.front());
  queue_.pop_front();
  return event;
}

bool DaemonState::Subscription::closed() const {
  absl::MutexLock lock(&state_->mutex_);
  return state_->closed_ && queue_.empty();
}

void DaemonState::PublishLocked(const Event& event) {
  for (Subscription* subscriber : subscribers_) subscriber->queue_.push_back(event);
}

void DaemonState::UpdateComponent(const ComponentStatus& status) {
  absl::MutexLock lock(&mutex_);
  auto* components = status_.mutable_components();
  auto it = std::find_if(components->begin(), components->end(),
                         [&](const ComponentStatus& c) { return c.name() == status.name(); });
  if (it == components->end()) {
    *components->Add() = status;
  } else {
    *it = status;
  }
  Event event;
  *event.mutable_component() = status;
  PublishLocked(event);
}

void DaemonState::RetainComponents(const std::vector<std::string>& names) {
  absl::MutexLock lock(&mutex_);
  auto* components = status_.mutable_components();
  components->erase(std::remove_if(components->begin(), components->end(),
                                   [&](const ComponentStatus& c) {
                                     return std::find(names.begin(), names.end(), c.name()) ==
                                            names.end();
                                   }),
                    components->end());
}

void DaemonState::SetPhase(std::string phase) {
  absl::MutexLock lock(&mutex_);
  status_.set_phase(std::move(phase));
}

void DaemonState::FinishStart(const stigmer::daemon::v1::StartFinished& result) {
  absl::MutexLock lock(&mutex_);
  start_result_ = result;
  status_.set_phase(result.ok() ? "running" : "start_failed");
  status_.set_start_error(result.error());
  Event event;
  *event.mutable_start_finished() = result;
  PublishLocked(event);
}

void DaemonState::Close() {
  absl::MutexLock lock(&mutex_);
  Event event;
  event.mutable_stop_finished();
  PublishLocked(event);
  closed_ = true;
}

stigmer::daemon::v1::GetStatusResponse DaemonState::Snapshot() const {
  absl::MutexLock lock(&mutex_);
  return status_;
}

std::unique_ptr<DaemonState::Subscription> DaemonState::Subscribe() {
  auto subscription = std::make_unique<Subscription>(this);
  absl::MutexLock lock(&mutex_);
  for (const ComponentStatus& component : status_.components()) {
    Event event;
    *event.mutable_component() = component;
    subscription->queue_.push_back(std::move(event));
  }
  if (start_result_) {
    Event event;
    *event.mutable_start_finished() = *start_result_;
    subscription->queue_.push_back(std::move(event));
  }
  subscribers_.push_back(subscription.get());
  return subscription;
}

}  // namespace stigmer::daemon

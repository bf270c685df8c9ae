#include "library_host.h"

#include <unistd.h>

#include <utility>

namespace stigmer::bench {

using supervisor::ComponentSpec;
using supervisor::ComponentState;
using supervisor::ComponentStatus;
using supervisor::ReadinessCheck;

ComponentSpec FakeComponentSpec(const std::string& name, const std::string& fixture,
                                const std::vector<std::string>& args,
                                const std::filesystem::path& log_dir, bool notify) {
  ComponentSpec spec;
  spec.name = name;
  spec.argv = {fixture};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.env = {"PATH=/usr/bin:/bin"};
  spec.readiness.kind = notify ? ReadinessCheck::Kind::kNotifyFd : ReadinessCheck::Kind::kNone;
  spec.start_timeout = absl::Seconds(10);
  spec.stop_timeout = absl::Seconds(5);
  spec.stdout_log = spec.stderr_log = log_dir / (name + ".log");
  spec.restart.initial_delay = absl::ZeroDuration();
  spec.restart.fatal_failures = 1 << 30;
  spec.rotation.max_bytes = 0;
  return spec;
}

LibraryHost::LibraryHost(std::vector<ComponentSpec> specs)
    : supervisor_(std::move(specs), {}, this) {}

LibraryHost::~LibraryHost() { Stop().IgnoreError(); }

Clock::time_point LibraryHost::Start() {
  const Clock::time_point now = Clock::now();
  loop_thread_ = std::thread([this] {
    loop_thread_id_ = ::gettid();
    absl::Status status = supervisor_.Run();
    std::lock_guard lock(mu_);
    run_status_ = std::move(status);
    run_returned_ = true;
    changed_.notify_all();
  });
  return now;
}

std::optional<Clock::time_point> LibraryHost::WaitAllReady(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  changed_.wait_for(lock, timeout, [&] { return all_ready_at_ || run_returned_; });
  return all_ready_at_;
}

std::optional<Clock::time_point> LibraryHost::WaitReadyWithNewPid(
    const std::string& name, pid_t old_pid, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  auto fresh = [&] {
    auto found = last_ready_.find(name);
    return found != last_ready_.end() && found->second.pid != old_pid;
  };
  if (!changed_.wait_for(lock, timeout, [&] { return fresh() || run_returned_; }) || !fresh()) {
    return std::nullopt;
  }
  return last_ready_[name].at;
}

pid_t LibraryHost::PidOf(const std::string& name) const {
  for (const ComponentStatus& status : supervisor_.Snapshot()) {
    if (status.name == name) return status.pid;
  }
  return 0;
}

absl::Status LibraryHost::Stop() {
  if (loop_thread_.joinable()) {
    supervisor_.RequestStop();
    loop_thread_.join();
  }
  std::lock_guard lock(mu_);
  return run_status_;
}

void LibraryHost::OnStatusChanged(const ComponentStatus& status) {
  if (status.state != ComponentState::kReady) return;
  const Clock::time_point now = Clock::now();
  std::lock_guard lock(mu_);
  ReadyRecord& record = last_ready_[status.name];
  if (record.pid == status.pid) return;  // a repeated report about the same run
  record = {status.pid, now};
  changed_.notify_all();
}

void LibraryHost::OnAllReady() {
  const Clock::time_point now = Clock::now();
  std::lock_guard lock(mu_);
  all_ready_at_ = now;
  changed_.notify_all();
}

}  // namespace stigmer::bench

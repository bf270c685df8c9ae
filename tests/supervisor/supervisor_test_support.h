#ifndef STIGMER_TESTS_SUPERVISOR_SUPERVISOR_TEST_SUPPORT_H_
#define STIGMER_TESTS_SUPERVISOR_SUPERVISOR_TEST_SUPPORT_H_

#include <dirent.h>
#include <sys/types.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "supervisor/supervisor.h"
#include "testing/test_env.h"

namespace stigmer::supervisor::testing {

// The supervisor needs its signals blocked before any thread exists: before main().
inline const bool kSupervisorSignalsBlocked = [] {
  BlockSupervisorSignals();
  return true;
}();

// A spec running tests/fixtures/fake_component with `args`, readiness through the notify fd,
// logs and PID file in `dir`, short timeouts and backoff.
inline ComponentSpec FakeComponent(const std::string& name, const std::filesystem::path& dir,
                                   std::vector<std::string> args) {
  ComponentSpec spec;
  spec.name = name;
  spec.argv = {stigmer::testing::FixturePath("fake_component")};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.env = {"PATH=/usr/bin:/bin", "COMPONENT=" + name};
  spec.readiness.kind = ReadinessCheck::Kind::kNotifyFd;
  spec.start_timeout = absl::Seconds(10);
  spec.stop_timeout = absl::Seconds(5);
  spec.stdout_log = dir / (name + ".log");
  spec.stderr_log = dir / (name + ".err");
  spec.pid_file = dir / (name + ".pid");
  spec.restart.initial_delay = absl::Milliseconds(10);
  spec.restart.max_delay = absl::Milliseconds(100);
  return spec;
}

// Processes of process group `pgid` that are alive (zombies do not count).
inline std::vector<pid_t> LiveGroupMembers(pid_t pgid) {
  std::vector<pid_t> members;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream file(entry.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    const size_t paren = text.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream fields(text.substr(paren + 2));
    char state = 0;
    pid_t ppid = 0, pgrp = 0;
    fields >> state >> ppid >> pgrp;
    if (pgrp == pgid && state != 'Z' && state != 'X') members.push_back(std::stoi(name));
  }
  return members;
}

// Runs a Supervisor on a thread of its own; stops it (if still running) when destroyed.
class RunningSupervisor : public SupervisorObserver {
 public:
  explicit RunningSupervisor(std::vector<ComponentSpec> specs,
                             std::vector<std::string> stop_order = {})
      : supervisor_(std::move(specs), std::move(stop_order), this), thread_([this] {
          result_ = supervisor_.Run();
          done_ = true;
        }) {}
  ~RunningSupervisor() override {
    supervisor_.RequestStop();
    if (thread_.joinable()) thread_.join();
  }

  Supervisor& supervisor() { return supervisor_; }
  ComponentStatus Status(const std::string& name) const {
    for (ComponentStatus& status : supervisor_.Snapshot()) {
      if (status.name == name) return status;
    }
    return {};
  }
  bool all_ready() const { return all_ready_; }
  // Waits (up to `timeout`) for Run to return and gives its result; nullopt on timeout.
  std::optional<absl::Status> WaitForResult(absl::Duration timeout) {
    if (!stigmer::testing::WaitFor([this] { return done_.load(); }, timeout)) return std::nullopt;
    if (thread_.joinable()) thread_.join();
    return result_;
  }
  // RequestStop, then WaitForResult.
  std::optional<absl::Status> Stop(absl::Duration timeout = absl::Seconds(20)) {
    supervisor_.RequestStop();
    return WaitForResult(timeout);
  }
  // All states each component went through, in order.
  std::vector<ComponentState> History(const std::string& name) const {
    absl::MutexLock lock(&mu_);
    std::vector<ComponentState> states;
    for (const auto& [component, state] : history_) {
      if (component == name && (states.empty() || states.back() != state)) states.push_back(state);
    }
    return states;
  }

  void OnStatusChanged(const ComponentStatus& status) override {
    absl::MutexLock lock(&mu_);
    history_.emplace_back(status.name, status.state);
  }
  void OnAllReady() override { all_ready_ = true; }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::pair<std::string, ComponentState>> history_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> all_ready_{false};
  std::atomic<bool> done_{false};
  absl::Status result_;
  Supervisor supervisor_;
  std::thread thread_;  // last: starts once everything else exists
};

}  // namespace stigmer::supervisor::testing

#endif  // STIGMER_TESTS_SUPERVISOR_SUPERVISOR_TEST_SUPPORT_H_

#ifndef STIGMER_BENCH_LIBRARY_HOST_H_
#define STIGMER_BENCH_LIBRARY_HOST_H_

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "bench_support.h"
#include "supervisor/supervisor.h"

namespace stigmer::bench {

// A fake_component spec as the benchmarks use it: `fixture` with `args`, readiness through the
// notify fd (unless `notify` is false), zero restart delay, no crash-loop limit, stdout and
// stderr into `<log_dir>/<name>.log`, never rotated.
supervisor::ComponentSpec FakeComponentSpec(const std::string& name, const std::string& fixture,
                                            const std::vector<std::string>& args,
                                            const std::filesystem::path& log_dir,
                                            bool notify = true);

// The Supervisor library hosted in this process: Run() on a thread of its own, and an observer
// that records when things happened (on the loop thread, at the moment the supervisor knew) so
// that the benchmark thread can wait for them.
// REQUIRES: supervisor::BlockSupervisorSignals() was called in main() before any thread.
class LibraryHost final : public supervisor::SupervisorObserver {
 public:
  explicit LibraryHost(std::vector<supervisor::ComponentSpec> specs);
  ~LibraryHost() override;  // Stop()
  LibraryHost(const LibraryHost&) = delete;
  LibraryHost& operator=(const LibraryHost&) = delete;

  // Starts Supervisor::Run() on a new thread; returns the time just before it was created.
  Clock::time_point Start();
  // When every component was ready (OnAllReady), or nullopt after `timeout` or if Run failed.
  std::optional<Clock::time_point> WaitAllReady(std::chrono::milliseconds timeout);
  // When `name` was first seen ready with a pid other than `old_pid`; nullopt after `timeout`.
  std::optional<Clock::time_point> WaitReadyWithNewPid(const std::string& name, pid_t old_pid,
                                                       std::chrono::milliseconds timeout);
  // The current pid of `name` (0 if none).
  pid_t PidOf(const std::string& name) const;
  // The kernel thread id of the loop thread (0 before it runs).
  pid_t loop_thread_id() const { return loop_thread_id_.load(); }
  // Stops everything and joins the loop thread; Run()'s result. Idempotent.
  absl::Status Stop();

  void OnStatusChanged(const supervisor::ComponentStatus& status) override;
  void OnAllReady() override;

 private:
  struct ReadyRecord {
    pid_t pid = 0;
    Clock::time_point at;
  };

  supervisor::Supervisor supervisor_;
  std::thread loop_thread_;
  std::atomic<pid_t> loop_thread_id_{0};
  absl::Status run_status_;

  std::mutex mu_;
  std::condition_variable changed_;
  std::optional<Clock::time_point> all_ready_at_;  // guarded by mu_
  bool run_returned_ = false;                      // guarded by mu_
  std::map<std::string, ReadyRecord> last_ready_;  // guarded by mu_
};

}  // namespace stigmer::bench

#endif  // STIGMER_BENCH_LIBRARY_HOST_H_

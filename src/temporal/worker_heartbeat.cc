#include "temporal/worker_heartbeat.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>
#include <utility>

#include "absl/time/clock.h"
#include "spdlog/spdlog.h"

namespace stigmer::temporal {

WorkerHeartbeat::WorkerHeartbeat(int fd, absl::Duration interval,
                                 std::function<absl::Time()> oldest_progress,
                                 absl::Duration stall_limit)
    : fd_(fd),
      interval_(interval),
      oldest_progress_(std::move(oldest_progress)),
      stall_limit_(stall_limit),
      thread_([this] { Run(); }) {}

WorkerHeartbeat::~WorkerHeartbeat() {
  stop_.Notify();
  thread_.join();
}

void WorkerHeartbeat::Run() {
  sigset_t pipe_signal;
  ::sigemptyset(&pipe_signal);
  ::sigaddset(&pipe_signal, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
  constexpr std::string_view kBeat = "WATCHDOG=1\n";
  bool stall_logged = false;
  while (!stop_.WaitForNotificationWithTimeout(interval_)) {
    const absl::Duration quiet = absl::Now() - oldest_progress_();
    if (quiet > stall_limit_) {
      if (!stall_logged) {
        spdlog::error("a polling thread has shown no progress for {}; heartbeat withheld",
                      absl::FormatDuration(absl::Trunc(quiet, absl::Seconds(1))));
      }
      stall_logged = true;
      continue;
    }
    stall_logged = false;
    ssize_t written;
    do {
      written = ::write(fd_, kBeat.data(), kBeat.size());  // < PIPE_BUF: all or nothing
    } while (written < 0 && errno == EINTR);
  }
}

}  // namespace stigmer::temporal

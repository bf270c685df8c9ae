#ifndef STIGMER_TEMPORAL_WORKER_HEARTBEAT_H_
#define STIGMER_TEMPORAL_WORKER_HEARTBEAT_H_

#include <functional>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace stigmer::temporal {

// A worker's heartbeat to its supervisor (the sd_notify watchdog idea): every `interval`, writes
// "WATCHDOG=1\n" to `fd` — but only while `oldest_progress()` (the least recent sign of life of
// the polling threads, TaskQueuePoller::OldestProgress) is within `stall_limit`. A stopped
// process or a wedged poller thread thus stops the heartbeat, and the supervisor restarts the
// worker. The first write is one interval after construction.
//
// Threads: writes on a thread of its own, with SIGPIPE blocked there (a supervisor gone means
// EPIPE, which is ignored). `fd` is borrowed: it must stay open until the destructor returned.
// The destructor stops the thread promptly.
class WorkerHeartbeat {
 public:
  WorkerHeartbeat(int fd, absl::Duration interval, std::function<absl::Time()> oldest_progress,
                  absl::Duration stall_limit);
  ~WorkerHeartbeat();
  WorkerHeartbeat(const WorkerHeartbeat&) = delete;
  WorkerHeartbeat& operator=(const WorkerHeartbeat&) = delete;

 private:
  void Run();

  const int fd_;
  const absl::Duration interval_;
  const std::function<absl::Time()> oldest_progress_;
  const absl::Duration stall_limit_;
  absl::Notification stop_;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace stigmer::temporal

#endif  // STIGMER_TEMPORAL_WORKER_HEARTBEAT_H_

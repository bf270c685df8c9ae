#ifndef STIGMER_SUPERVISOR_EVENT_LOOP_H_
#define STIGMER_SUPERVISOR_EVENT_LOOP_H_

#include <sys/epoll.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/unique_fd.h"

namespace stigmer::supervisor {

// One epoll instance with fd watches, one-shot timers (one timerfd armed at the earliest
// deadline: no periodic wakeups) and a thread-safe task queue (an eventfd wakes the loop).
//
// Threads: everything except Post() must be called on the loop thread (the one calling
// RunOnce). Callbacks run on the loop thread and may add or remove watches and timers; a watch
// removed during a dispatch round gets no further callbacks.
class EventLoop {
 public:
  using FdCallback = std::function<void(uint32_t epoll_events)>;
  using TimerId = uint64_t;

  EventLoop();  // check init_status() before use
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Error if epoll, timerfd or eventfd could not be created.
  const absl::Status& init_status() const { return init_status_; }

  // Calls `callback` whenever `fd` has `events` (EPOLLIN…). The caller keeps `fd` open until
  // Unwatch(fd). Error if epoll_ctl fails (e.g. fd already watched).
  absl::Status Watch(int fd, uint32_t events, FdCallback callback);
  void Unwatch(int fd);

  // Calls `callback` once, `delay` from now. CancelTimer of a fired or unknown id is a no-op.
  TimerId AddTimer(absl::Duration delay, std::function<void()> callback);
  void CancelTimer(TimerId id);

  // Thread-safe: runs `task` on the loop thread during a coming RunOnce.
  void Post(std::function<void()> task);

  // Waits until something happens (no timeout) and dispatches it. Error only if epoll_wait fails.
  absl::Status RunOnce();

 private:
  using Clock = std::chrono::steady_clock;
  struct Watched {
    int fd;
    FdCallback callback;
  };
  void ArmTimerFd();
  void RunDueTimers();
  void RunPostedTasks();

  absl::Status init_status_;
  UniqueFd epoll_fd_, timer_fd_, wake_fd_;
  uint64_t next_token_ = 1;
  absl::flat_hash_map<uint64_t, Watched> watches_;  // token (epoll data) → watch
  absl::flat_hash_map<int, uint64_t> token_of_fd_;
  TimerId next_timer_id_ = 1;
  std::multimap<Clock::time_point, std::pair<TimerId, std::function<void()>>> timers_;
  absl::flat_hash_map<TimerId, decltype(timers_)::iterator> timer_by_id_;

  absl::Mutex mu_;
  std::vector<std::function<void()>> posted_ ABSL_GUARDED_BY(mu_);
};

}  // namespace stigmer::supervisor

#endif  // STIGMER_SUPERVISOR_EVENT_LOOP_H_

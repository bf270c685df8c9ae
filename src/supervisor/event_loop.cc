#include "supervisor/event_loop.h"

#include <errno.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>

#include <array>

#include "common/errno_status.h"

namespace stigmer::supervisor {
namespace {
constexpr uint64_t kTimerToken = 0;
constexpr uint64_t kWakeToken = ~uint64_t{0};
}  // namespace

EventLoop::EventLoop()
    : epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)),
      timer_fd_(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)),
      wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (!epoll_fd_ || !timer_fd_ || !wake_fd_) {
    init_status_ = ErrnoToStatus("creating the event loop", errno);
    return;
  }
  for (auto [fd, token] : {std::pair{timer_fd_.get(), kTimerToken}, {wake_fd_.get(), kWakeToken}}) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = token;
    if (::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_ADD, fd, &event) != 0) {
      init_status_ = ErrnoToStatus("epoll_ctl", errno);
      return;
    }
  }
}

EventLoop::~EventLoop() = default;

absl::Status EventLoop::Watch(int fd, uint32_t events, FdCallback callback) {
  const uint64_t token = next_token_++;
  epoll_event event{};
  event.events = events;
  event.data.u64 = token;
  if (::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_ADD, fd, &event) != 0) {
    return ErrnoToStatus("epoll_ctl(ADD)", errno);
  }
  watches_[token] = Watched{fd, std::move(callback)};
  token_of_fd_[fd] = token;
  return absl::OkStatus();
}

void EventLoop::Unwatch(int fd) {
  auto it = token_of_fd_.find(fd);
  if (it == token_of_fd_.end()) return;
  ::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_DEL, fd, nullptr);
  watches_.erase(it->second);
  token_of_fd_.erase(it);
}

EventLoop::TimerId EventLoop::AddTimer(absl::Duration delay, std::function<void()> callback) {
  const TimerId id = next_timer_id_++;
  const auto deadline = Clock::now() + absl::ToChronoNanoseconds(delay);
  timer_by_id_[id] = timers_.emplace(deadline, std::pair{id, std::move(callback)});
  ArmTimerFd();
  return id;
}

void EventLoop::CancelTimer(TimerId id) {
  auto it = timer_by_id_.find(id);
  if (it == timer_by_id_.end()) return;
  timers_.erase(it->second);
  timer_by_id_.erase(it);
  ArmTimerFd();
}

void EventLoop::Post(std::function<void()> task) {
  {
    absl::MutexLock lock(&mu_);
    posted_.push_back(std::move(task));
  }
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t written = ::write(wake_fd_.get(), &one, sizeof(one));
}

void EventLoop::ArmTimerFd() {
  itimerspec spec{};  // all zero: disarmed
  if (!timers_.empty()) {
    const auto since_epoch = timers_.begin()->first.time_since_epoch();
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
    spec.it_value.tv_sec = seconds.count();
    spec.it_value.tv_nsec = std::chrono::nanoseconds(since_epoch - seconds).count();
    if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
  }
  ::timerfd_settime(timer_fd_.get(), TFD_TIMER_ABSTIME, &spec, nullptr);
}

void EventLoop::RunDueTimers() {
  uint64_t expirations = 0;
  [[maybe_unused]] ssize_t got = ::read(timer_fd_.get(), &expirations, sizeof(expirations));
  const auto now = Clock::now();
  while (!timers_.empty() && timers_.begin()->first <= now) {
    auto node = timers_.extract(timers_.begin());
    timer_by_id_.erase(node.mapped().first);
    node.mapped().second();
  }
  ArmTimerFd();
}

void EventLoop::RunPostedTasks() {
  uint64_t count = 0;
  [[maybe_unused]] ssize_t got = ::read(wake_fd_.get(), &count, sizeof(count));
  std::vector<std::function<void()>> tasks;
  {
    absl::MutexLock lock(&mu_);
    tasks.swap(posted_);
  }
  for (auto& task : tasks) task();
}

absl::Status EventLoop::RunOnce() {
  std::array<epoll_event, 32> events;
  int count = ::epoll_wait(epoll_fd_.get(), events.data(), events.size(), -1);
  if (count < 0) {
    if (errno == EINTR) return absl::OkStatus();
    return ErrnoToStatus("epoll_wait", errno);
  }
  for (int i = 0; i < count; ++i) {
    const uint64_t token = events[i].data.u64;
    if (token == kTimerToken) {
      RunDueTimers();
    } else if (token == kWakeToken) {
      RunPostedTasks();
    } else {
      auto it = watches_.find(token);
      if (it == watches_.end()) continue;         // removed earlier in this round
      FdCallback callback = it->second.callback;  // the callback may Unwatch itself
      callback(events[i].events);
    }
  }
  return absl::OkStatus();
}

}  // namespace stigmer::supervisor

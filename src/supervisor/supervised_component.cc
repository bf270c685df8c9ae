#include "supervisor/supervised_component.h"

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/file_io.h"
#include "spdlog/spdlog.h"
#include "supervisor/port_preflight.h"
#include "supervisor/process_identity.h"
#include "supervisor/wait_status.h"

namespace stigmer::supervisor {
namespace {
constexpr size_t kReadChunk = 1 << 20;
constexpr size_t kMaxReadPerEvent = 16 << 20;  // then let the other fds have a turn
}  // namespace

SupervisedComponent::SupervisedComponent(ComponentSpec spec)
    : spec_(std::move(spec)), backoff_(spec_.restart) {
  status_.name = spec_.name;
  status_.state = ComponentState::kStopped;
  if (!spec_.stdout_log.empty()) {
    stdout_sink_ = std::make_unique<LogSink>(spec_.stdout_log, spec_.rotation);
  }
  if (!spec_.stderr_log.empty()) {
    if (spec_.stderr_log != spec_.stdout_log) {
      stderr_sink_ = std::make_unique<LogSink>(spec_.stderr_log, spec_.rotation);
    }
  }
  LogSink* err_sink = spec_.stderr_log.empty()               ? nullptr
                      : spec_.stderr_log == spec_.stdout_log ? stdout_sink_.get()
                                                             : stderr_sink_.get();
  stdout_stream_ = std::make_unique<LogStream>(stdout_sink_.get(), &tail_);
  stderr_stream_ = std::make_unique<LogStream>(err_sink, &tail_);
}

SupervisedComponent::~SupervisedComponent() {
  probe.reset();
  if (child_.has_value() && !spec_.pid_file.empty()) {
    std::error_code ignored;
    std::filesystem::remove(spec_.pid_file, ignored);
  }
}

absl::Status SupervisedComponent::Spawn(EventLoop& loop, std::function<void()> on_notify_ready,
                                        std::function<void()> on_heartbeat) {
  for (int port : spec_.ports) {
    if (absl::Status free = CheckPortFree(port); !free.ok()) return free;
  }
  const ReadinessCheck& readiness = spec_.readiness;
  const bool notify = readiness.kind == ReadinessCheck::Kind::kNotifyFd;
  const bool watchdog = notify && readiness.watchdog_interval > absl::ZeroDuration();
  std::vector<std::string> env = spec_.env;
  if (watchdog) {
    env.push_back(absl::StrCat("STIGMER_WATCHDOG_MS=",
                               absl::ToInt64Milliseconds(readiness.watchdog_interval)));
  }
  absl::StatusOr<ChildProcess> child = ChildProcess::Spawn({spec_.argv, std::move(env), notify});
  if (!child.ok()) return child.status();

  if (std::exchange(spawned_once, true)) ++status_.restarts;
  status_.pid = child->pid();
  status_.started_at = absl::Now();
  status_.ready_at.reset();
  absl::StatusOr<ProcessIdentity> identity = ReadProcessIdentity(child->pid());
  status_.start_time_ticks = identity.ok() ? identity->start_time_ticks : 0;
  if (!spec_.pid_file.empty()) {
    if (absl::Status written =
            WriteFileAtomically(spec_.pid_file, absl::StrCat(child->pid(), "\n"));
        !written.ok()) {
      spdlog::warn("{}: cannot write PID file: {}", spec_.name, written.ToString());
    }
  }
  stdout_fd_ = std::move(child->stdout_pipe());
  stderr_fd_ = std::move(child->stderr_pipe());
  ready_fd_ = std::move(child->ready_pipe());
  child_.emplace(std::move(*child));
  WatchPipe(loop, stdout_fd_, stdout_stream_.get());
  WatchPipe(loop, stderr_fd_, stderr_stream_.get());
  if (ready_fd_) {
    ready_buffer_.clear();
    absl::Status watched = loop.Watch(
        ready_fd_.get(), EPOLLIN, [this, &loop, on_notify_ready, on_heartbeat](uint32_t) {
          char buffer[256];
          ssize_t got;
          while ((got = ::read(ready_fd_.get(), buffer, sizeof(buffer))) > 0) {
            ready_buffer_.append(buffer, got);
          }
          // Whole lines only; a partial one waits for its end.
          bool ready = false;
          int beats = 0;
          for (size_t end; (end = ready_buffer_.find('\n')) != std::string::npos;) {
            const absl::string_view line(ready_buffer_.data(), end);
            ready = ready || line == "READY=1";
            beats += line == "WATCHDOG=1" ? 1 : 0;
            ready_buffer_.erase(0, end + 1);
          }
          if (ready_buffer_.size() > sizeof(buffer)) ready_buffer_.clear();  // no line: noise
          const bool keep = on_heartbeat != nullptr;
          if ((ready && !keep) || got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
            loop.Unwatch(ready_fd_.get());
            ready_fd_.Reset();
          }
          if (ready) on_notify_ready();
          if (beats > 0 && on_heartbeat) on_heartbeat();
        });
    if (!watched.ok()) spdlog::error("{}: {}", spec_.name, watched.ToString());
  }
  return absl::OkStatus();
}

void SupervisedComponent::WatchPipe(EventLoop& loop, UniqueFd& fd, LogStream* stream) {
  absl::Status watched = loop.Watch(
      fd.get(), EPOLLIN, [this, &loop, &fd, stream](uint32_t) { ReadPipe(loop, fd, stream); });
  if (!watched.ok()) spdlog::error("{}: {}", spec_.name, watched.ToString());
}

void SupervisedComponent::ReadPipe(EventLoop& loop, UniqueFd& fd, LogStream* stream) {
  if (!fd) return;
  read_buffer_.resize(kReadChunk);
  size_t total = 0;
  while (total < kMaxReadPerEvent) {
    ssize_t got = ::read(fd.get(), read_buffer_.data(), read_buffer_.size());
    if (got > 0) {
      stream->Append(absl::string_view(read_buffer_.data(), got), absl::Now());
      total += got;
      continue;
    }
    if (got < 0 && errno == EAGAIN) break;
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && errno == EAGAIN) break;
    stream->Finish(absl::Now());  // EOF (or a broken pipe): the stream is over
    loop.Unwatch(fd.get());
    fd.Reset();
    break;
  }
  if (RefreshLogCounters() && on_log_status_changed) on_log_status_changed();
}

void SupervisedComponent::CloseAllPipes(EventLoop& loop) {
  for (auto [fd, stream] : {std::pair{&stdout_fd_, stdout_stream_.get()},
                            std::pair{&stderr_fd_, stderr_stream_.get()}}) {
    if (!*fd) continue;
    // The leader is gone; drain what it wrote. Grandchildren may still hold the write end, so
    // read until the pipe is empty, not until EOF.
    ReadPipe(loop, *fd, stream);
    if (*fd) {
      stream->Finish(absl::Now());
      loop.Unwatch(fd->get());
      fd->Reset();
    }
  }
  if (ready_fd_) {
    loop.Unwatch(ready_fd_.get());
    ready_fd_.Reset();
  }
}

bool SupervisedComponent::ReapIfExited(EventLoop& loop) {
  if (!child_.has_value()) return false;
  std::optional<int> wait_status = child_->TryReap();
  if (!wait_status.has_value()) return false;
  child_->SignalGroup(SIGKILL);  // grandchildren never outlive their component
  CloseAllPipes(loop);
  child_.reset();
  status_.last_exit = DescribeWaitStatus(*wait_status);
  status_.pid = 0;
  status_.start_time_ticks = 0;
  if (!spec_.pid_file.empty()) {
    std::error_code ignored;
    std::filesystem::remove(spec_.pid_file, ignored);
  }
  return true;
}

void SupervisedComponent::SignalGroup(int signal_number) {
  if (child_.has_value()) child_->SignalGroup(signal_number);
}

bool SupervisedComponent::RefreshLogCounters() {
  int64_t dropped = 0;
  std::string error;
  for (const LogSink* sink : {stdout_sink_.get(), stderr_sink_.get()}) {
    if (sink == nullptr) continue;
    dropped += sink->lines_dropped();
    if (error.empty()) error = sink->error();
  }
  if (dropped == status_.log_lines_dropped && error == status_.log_error) return false;
  status_.log_lines_dropped = dropped;
  status_.log_error = error;
  return true;
}

std::string SupervisedComponent::LogTailText() const {
  std::string text;
  for (const std::string& line : tail_.Lines()) absl::StrAppend(&text, "  ", line, "\n");
  return text;
}

}  // namespace stigmer::supervisor

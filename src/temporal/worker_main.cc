#include "temporal/worker_main.h"

#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string_view>
#include <thread>
#include <utility>

#include "absl/synchronization/notification.h"
#include "common/unique_fd.h"
#include "spdlog/spdlog.h"
#include "temporal/component_logging.h"
#include "temporal/task_queue_poller.h"
#include "temporal/temporal_channel.h"
#include "temporal/worker_heartbeat.h"

namespace stigmer::temporal {
namespace {

void WriteReady(const UniqueFd& fd) {
  constexpr std::string_view kReady = "READY=1\n";
  size_t written = 0;
  while (written < kReady.size()) {
    const ssize_t n = ::write(fd.get(), kReady.data() + written, kReady.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      spdlog::error("cannot write readiness to fd {}: {}", fd.get(), ::strerror(errno));
      return;
    }
    written += static_cast<size_t>(n);
  }
}

}  // namespace

int RunWorker(const WorkerOptions& options, const HandlerFactory& make_handlers) {
  // glibc gives threads malloc arenas of their own (up to 8 per core), each keeping what its
  // threads freed. A worker's ~20 threads mostly wait on Temporal: two arenas cost no throughput
  // and keep 1-3 MiB less. Set before this function starts any thread.
  ::mallopt(M_ARENA_MAX, 2);
  ConfigureComponentLogging();
  sigset_t stop_signals;
  ::sigemptyset(&stop_signals);
  ::sigaddset(&stop_signals, SIGTERM);
  ::sigaddset(&stop_signals, SIGINT);
  ::pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  if (options.ready_fd >= 0 && ::fcntl(options.ready_fd, F_GETFD) < 0) {
    spdlog::error("STIGMER_READY_FD {} is not an open file descriptor", options.ready_fd);
    return 2;
  }
  // Declared before the poller, so it outlives the poller's threads.
  UniqueFd ready_fd(options.ready_fd);

  TaskQueuePollerOptions poller_options;
  poller_options.temporal_address = options.temporal_address;
  poller_options.namespace_name = options.namespace_name;
  poller_options.task_queue = options.task_queue;
  poller_options.identity = options.identity;
  poller_options.workflow_pollers = options.workflow_pollers;
  if (options.sticky_cache_runs > 0) poller_options.sticky_task_queue = options.sticky_task_queue;
  poller_options.activity_pollers = options.activity_pollers;
  poller_options.activity_queues = options.activity_queues;
  poller_options.payload_codec = options.payload_codec;
  poller_options.channel = CreateTemporalChannel(options.temporal_address, options.payload_codec);
  WorkerHandlers handlers;
  if (make_handlers) handlers = make_handlers(poller_options.channel);
  spdlog::info("polling task queue {} at {} (namespace {}, identity {})", options.task_queue,
               options.temporal_address, options.namespace_name, options.identity);
  // With a watchdog the fd stays open for the heartbeat, which starts once ready.
  const bool watchdog = ready_fd.valid() && options.watchdog_interval > absl::ZeroDuration();
  TaskQueuePoller poller(
      poller_options,
      [&ready_fd, watchdog] {
        spdlog::info("ready");
        if (ready_fd.valid()) WriteReady(ready_fd);
        if (!watchdog) ready_fd.Reset();
      },
      std::move(handlers.workflow), std::move(handlers.activity));
  poller.Start();
  // The supervisor counts heartbeats once the worker is ready. A poll lasts up to
  // poll_timeout: a thread quiet for longer than that plus a margin is wedged.
  std::unique_ptr<WorkerHeartbeat> heartbeat;
  if (watchdog) {
    heartbeat = std::make_unique<WorkerHeartbeat>(
        ready_fd.get(), options.watchdog_interval, [&poller] { return poller.OldestProgress(); },
        poller.options().poll_timeout + absl::Seconds(30));
  }

  int received = 0;
  while (::sigwait(&stop_signals, &received) != 0) {
  }
  spdlog::info("received {}, stopping", ::strsignal(received));
  absl::Notification stopped;
  std::thread stopper([&poller, &stopped, &heartbeat] {
    heartbeat.reset();
    poller.Stop();
    stopped.Notify();
  });
  if (!stopped.WaitForNotificationWithTimeout(options.stop_timeout)) {
    spdlog::warn("tasks still running after {}; exiting anyway (Temporal hands them out again)",
                 absl::FormatDuration(options.stop_timeout));
    spdlog::shutdown();
    ::_exit(0);
  }
  stopper.join();
  spdlog::info("stopped");
  return 0;
}

}  // namespace stigmer::temporal

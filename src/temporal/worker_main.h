#ifndef STIGMER_TEMPORAL_WORKER_MAIN_H_
#define STIGMER_TEMPORAL_WORKER_MAIN_H_

#include <functional>
#include <memory>

#include "grpcpp/channel.h"
#include "temporal/task_handlers.h"
#include "temporal/worker_options.h"

namespace stigmer::temporal {

// The body of a worker process; returns its exit code.
//
// Sets up component logging, blocks SIGTERM and SIGINT (in every thread: call it before any
// other thread starts), polls `options.task_queue` with a TaskQueuePoller (reconnecting on its
// own while Temporal is away), writes "READY=1\n" to `options.ready_fd` and closes it once the
// first call to Temporal succeeded, and waits for SIGTERM or SIGINT. With
// `options.watchdog_interval`, the fd stays open and gets "WATCHDOG=1\n" that often while every
// polling thread makes progress (WorkerHeartbeat). Then it stops polling and
// returns 0 promptly (well under a second). Returns 2 if `options.ready_fd` is not an open fd.
// Takes ownership of `options.ready_fd`.
//
// `make_handlers` builds the task handlers on the channel the pollers use; without it, tasks
// are only logged (LoggingWorkflowTaskHandler, LoggingActivityTaskHandler). On SIGTERM, tasks
// being handled get `options.stop_timeout` to finish; past it the worker exits anyway (exit 0:
// Temporal hands unfinished tasks out again).
struct WorkerHandlers {
  std::unique_ptr<WorkflowTaskHandler> workflow;
  std::unique_ptr<ActivityTaskHandler> activity;
};
using HandlerFactory = std::function<WorkerHandlers(std::shared_ptr<grpc::Channel> channel)>;
int RunWorker(const WorkerOptions& options, const HandlerFactory& make_handlers = nullptr);

}  // namespace stigmer::temporal

#endif  // STIGMER_TEMPORAL_WORKER_MAIN_H_

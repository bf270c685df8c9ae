#ifndef STIGMER_TEMPORAL_WORKER_MAIN_H_
#define STIGMER_TEMPORAL_WORKER_MAIN_H_

#include "temporal/worker_options.h"

namespace stigmer::temporal {

// The body of a worker process; returns its exit code.
//
// Sets up component logging, blocks SIGTERM and SIGINT (in every thread: call it before any
// other thread starts), polls `options.task_queue` with a TaskQueuePoller (reconnecting on its
// own while Temporal is away), writes "READY=1\n" to `options.ready_fd` and closes it once the
// first call to Temporal succeeded, and waits for SIGTERM or SIGINT. Then it stops polling and
// returns 0 promptly (well under a second). Returns 2 if `options.ready_fd` is not an open fd.
// Takes ownership of `options.ready_fd`.
int RunWorker(const WorkerOptions& options);

}  // namespace stigmer::temporal

#endif  // STIGMER_TEMPORAL_WORKER_MAIN_H_

#ifndef STIGMER_TEMPORAL_WORKER_OPTIONS_H_
#define STIGMER_TEMPORAL_WORKER_OPTIONS_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/environment.h"
#include "temporal/payload_codec.h"
#include "temporal/task_queue_poller.h"

namespace stigmer::temporal {

// What a worker process (workflow-runner, agent-runner) needs to know.
struct WorkerOptions {
  std::string temporal_address = "127.0.0.1:7233";  // host:port of Temporal's frontend
  std::string namespace_name = "default";
  std::string task_queue;
  std::string identity;  // "<pid>@<hostname>" unless set
  int ready_fd = -1;     // where to write "READY=1\n" once Temporal answered; -1: nowhere
  // Zero: none. Else "WATCHDOG=1\n" goes to ready_fd this often while the pollers make
  // progress (WorkerHeartbeat).
  absl::Duration watchdog_interval = absl::ZeroDuration();
  int workflow_pollers = 2;  // threads polling for workflow tasks
  int activity_pollers = 4;  // threads polling `task_queue` for (and running) activity tasks
  std::vector<ActivityQueue> activity_queues;  // more activity queues, with their own threads
  // SIGTERM: running activity tasks get this long to finish before the worker exits anyway.
  absl::Duration stop_timeout = absl::Seconds(10);
  // Sticky execution: the worker keeps the histories of up to this many runs (and bytes)
  // between their workflow tasks, and Temporal sends it only each task's new events on its own
  // queue `sticky_task_queue`. 0 runs: off (every task brings the whole history).
  size_t sticky_cache_runs = 1000;
  size_t sticky_cache_bytes = 64 << 20;
  std::string sticky_task_queue;  // "<task_queue>/sticky/<identity>/<ULID>", one per process
  // Encrypts and decrypts every payload; null: none (see LoadPayloadCodec).
  std::shared_ptr<const PayloadCodec> payload_codec;
};

// WorkerOptions for `task_queue` from the environment:
//   TEMPORAL_SERVICE_ADDRESS  Temporal's frontend (default 127.0.0.1:7233; empty means default)
//   STIGMER_READY_FD          the readiness fd, a non-negative integer (default: none)
//   STIGMER_WATCHDOG_MS       heartbeat interval in ms, 1 to 3600000 (set by the supervisor)
//   STIGMER_WORKFLOW_POLLERS  workflow task pollers, 1 to 64 (default 2)
//   STIGMER_ACTIVITY_POLLERS  activity task pollers, 1 to 64 (default 4)
//   STIGMER_STICKY_CACHE_RUNS runs kept for sticky execution, 0 (off) to 100000 (default 1000)
//   STIGMER_STICKY_CACHE_MB   their histories' bytes, in MiB, 1 to 65536 (default 64)
// Namespace "default", identity DefaultWorkerIdentity(). InvalidArgument naming the variable
// when one of them is not a number in range.
absl::StatusOr<WorkerOptions> WorkerOptionsFromEnvironment(const EnvironmentLookup& lookup,
                                                           const std::string& task_queue);

}  // namespace stigmer::temporal

#endif  // STIGMER_TEMPORAL_WORKER_OPTIONS_H_

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
  // Encrypts and decrypts every payload; null: none (see LoadPayloadCodec).
  std::shared_ptr<const PayloadCodec> payload_codec;
};

// WorkerOptions for `task_queue` from the environment:
//   TEMPORAL_SERVICE_ADDRESS  Temporal's frontend (default 127.0.0.1:7233; empty means default)
//   STIGMER_READY_FD          the readiness fd, a non-negative integer (default: none)
//   STIGMER_WATCHDOG_MS       heartbeat interval in ms, 1 to 3600000 (set by the supervisor)
//   STIGMER_WORKFLOW_POLLERS  workflow task pollers, 1 to 64 (default 2)
//   STIGMER_ACTIVITY_POLLERS  activity task pollers, 1 to 64 (default 4)
// Namespace "default", identity DefaultWorkerIdentity(). InvalidArgument naming the variable
// when one of them is not a number in range.
absl::StatusOr<WorkerOptions> WorkerOptionsFromEnvironment(const EnvironmentLookup& lookup,
                                                           const std::string& task_queue);

}  // namespace stigmer::temporal

#endif  // STIGMER_TEMPORAL_WORKER_OPTIONS_H_

#ifndef STIGMER_TEMPORAL_WORKER_OPTIONS_H_
#define STIGMER_TEMPORAL_WORKER_OPTIONS_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/environment.h"

namespace stigmer::temporal {

// What a worker process (workflow-runner, agent-runner) needs to know.
struct WorkerOptions {
  std::string temporal_address = "127.0.0.1:7233";  // host:port of Temporal's frontend
  std::string namespace_name = "default";
  std::string task_queue;
  std::string identity;  // "<pid>@<hostname>" unless set
  int ready_fd = -1;     // where to write "READY=1\n" once Temporal answered; -1: nowhere
};

// WorkerOptions for `task_queue` from the environment:
//   TEMPORAL_SERVICE_ADDRESS  Temporal's frontend (default 127.0.0.1:7233; empty means default)
//   STIGMER_READY_FD          the readiness fd, a non-negative integer (default: none)
// Namespace "default", identity DefaultWorkerIdentity(). InvalidArgument when STIGMER_READY_FD is
// not a non-negative integer.
absl::StatusOr<WorkerOptions> WorkerOptionsFromEnvironment(const EnvironmentLookup& lookup,
                                                           const std::string& task_queue);

}  // namespace stigmer::temporal

#endif  // STIGMER_TEMPORAL_WORKER_OPTIONS_H_

#include "temporal/worker_options.h"

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "temporal/worker_identity.h"

namespace stigmer::temporal {

absl::StatusOr<WorkerOptions> WorkerOptionsFromEnvironment(const EnvironmentLookup& lookup,
                                                           const std::string& task_queue) {
  WorkerOptions options;
  options.task_queue = task_queue;
  options.identity = DefaultWorkerIdentity();
  if (auto address = lookup("TEMPORAL_SERVICE_ADDRESS"); address && !address->empty()) {
    options.temporal_address = *address;
  }
  if (auto ready_fd = lookup("STIGMER_READY_FD"); ready_fd && !ready_fd->empty()) {
    int fd = -1;
    if (!absl::SimpleAtoi(*ready_fd, &fd) || fd < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "STIGMER_READY_FD must be a file descriptor number, not \"", *ready_fd, "\""));
    }
    options.ready_fd = fd;
  }
  return options;
}

}  // namespace stigmer::temporal

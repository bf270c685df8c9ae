#include "temporal/worker_options.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/ulid.h"
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
  if (auto watchdog = lookup("STIGMER_WATCHDOG_MS"); watchdog && !watchdog->empty()) {
    int64_t ms = 0;
    if (!absl::SimpleAtoi(*watchdog, &ms) || ms < 1 || ms > 3600000) {
      return absl::InvalidArgumentError(absl::StrCat(
          "STIGMER_WATCHDOG_MS must be a number from 1 to 3600000, not \"", *watchdog, "\""));
    }
    options.watchdog_interval = absl::Milliseconds(ms);
  }
  for (auto [name, count] : {std::pair{"STIGMER_WORKFLOW_POLLERS", &options.workflow_pollers},
                             std::pair{"STIGMER_ACTIVITY_POLLERS", &options.activity_pollers}}) {
    auto value = lookup(name);
    if (!value || value->empty()) continue;
    if (!absl::SimpleAtoi(*value, count) || *count < 1 || *count > 64) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, " must be a number from 1 to 64, not \"", *value, "\""));
    }
  }
  if (auto runs = lookup("STIGMER_STICKY_CACHE_RUNS"); runs && !runs->empty()) {
    if (!absl::SimpleAtoi(*runs, &options.sticky_cache_runs) ||
        options.sticky_cache_runs > 100000) {
      return absl::InvalidArgumentError(absl::StrCat(
          "STIGMER_STICKY_CACHE_RUNS must be a number from 0 to 100000, not \"", *runs, "\""));
    }
  }
  if (auto mib = lookup("STIGMER_STICKY_CACHE_MB"); mib && !mib->empty()) {
    size_t value = 0;
    if (!absl::SimpleAtoi(*mib, &value) || value < 1 || value > 65536) {
      return absl::InvalidArgumentError(absl::StrCat(
          "STIGMER_STICKY_CACHE_MB must be a number from 1 to 65536, not \"", *mib, "\""));
    }
    options.sticky_cache_bytes = value << 20;
  }
  options.sticky_task_queue =
      absl::StrCat(task_queue, "/sticky/", options.identity, "/", NewUlid(absl::Now()));
  return options;
}

}  // namespace stigmer::temporal

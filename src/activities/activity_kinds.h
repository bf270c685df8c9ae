#ifndef STIGMER_ACTIVITIES_ACTIVITY_KINDS_H_
#define STIGMER_ACTIVITIES_ACTIVITY_KINDS_H_

// workflow-runner's activity kinds ("http", "shell") each get a task queue of their own, polled
// by threads of their own, and a timeout of their own: slow HTTP calls cannot take the slots
// that shell commands run in, nor the other way round.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "activities/activity_control.h"
#include "common/environment.h"
#include "durable/replay_context.h"
#include "temporal/task_queue_poller.h"

namespace stigmer::activities {

// Activities polled at once, per kind.
struct ActivitySlots {
  int http = 4;
  int shell = 4;
};

// Past its own timeout an activity fails by itself with a timeout error; Temporal's
// start-to-close is this much later, a backstop for a worker that could not report it.
inline constexpr absl::Duration kActivityTimeoutGrace = absl::Seconds(30);

// "<workflow_queue>-<kind>", e.g. "stigmer-workflows-http".
std::string ActivityTaskQueue(const std::string& workflow_queue, const std::string& kind);

// Reads, when set (unset or empty keeps the value in `limits` / `slots`):
//   STIGMER_HTTP_TIMEOUT_S   seconds one `call: http` may take, 1 to 86400 (300)
//   STIGMER_SHELL_TIMEOUT_S  seconds one `run: shell` may run, 1 to 604800 (3600)
//   STIGMER_HTTP_POLLERS     `call: http` activities run at once, 1 to 64 (4)
//   STIGMER_SHELL_POLLERS    `run: shell` activities run at once, 1 to 64 (4)
// InvalidArgument naming the variable when one is not a number in range.
absl::Status ReadActivitySettings(const EnvironmentLookup& lookup, ActivityLimits& limits,
                                  ActivitySlots& slots);

// Schedules "http" and "shell" activities on ActivityTaskQueue(workflow_queue, kind), one
// attempt lasting the kind's timeout in `limits` plus kActivityTimeoutGrace. Network kinds
// ("grpc", "openapi", "mcp") share the "http" queue and timeout.
void ScheduleActivitiesByKind(const std::string& workflow_queue, const ActivityLimits& limits,
                              durable::CommandOptions& commands);

// The queues ScheduleActivitiesByKind uses, with `slots` pollers each.
std::vector<temporal::ActivityQueue> ActivityQueuesByKind(const std::string& workflow_queue,
                                                          const ActivitySlots& slots);

}  // namespace stigmer::activities

#endif  // STIGMER_ACTIVITIES_ACTIVITY_KINDS_H_

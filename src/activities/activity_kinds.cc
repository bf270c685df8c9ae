#include "activities/activity_kinds.h"

#include <cstdint>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace stigmer::activities {
namespace {

constexpr char kHttp[] = "http";
constexpr char kShell[] = "shell";

}  // namespace

std::string ActivityTaskQueue(const std::string& workflow_queue, const std::string& kind) {
  return absl::StrCat(workflow_queue, "-", kind);
}

absl::Status ReadActivitySettings(const EnvironmentLookup& lookup, ActivityLimits& limits,
                                  ActivitySlots& slots) {
  int64_t http_s = absl::ToInt64Seconds(limits.http_timeout);
  int64_t shell_s = absl::ToInt64Seconds(limits.shell_timeout);
  int64_t http_pollers = slots.http;
  int64_t shell_pollers = slots.shell;
  for (absl::Status status :
       {ReadPositiveSetting(lookup, "STIGMER_HTTP_TIMEOUT_S", 86400, &http_s),
        ReadPositiveSetting(lookup, "STIGMER_SHELL_TIMEOUT_S", 604800, &shell_s),
        ReadPositiveSetting(lookup, "STIGMER_HTTP_POLLERS", 64, &http_pollers),
        ReadPositiveSetting(lookup, "STIGMER_SHELL_POLLERS", 64, &shell_pollers)}) {
    if (!status.ok()) return status;
  }
  limits.http_timeout = absl::Seconds(http_s);
  limits.shell_timeout = absl::Seconds(shell_s);
  slots.http = static_cast<int>(http_pollers);
  slots.shell = static_cast<int>(shell_pollers);
  return absl::OkStatus();
}

void ScheduleActivitiesByKind(const std::string& workflow_queue, const ActivityLimits& limits,
                              durable::CommandOptions& commands) {
  commands.activity_kinds[kHttp] = {ActivityTaskQueue(workflow_queue, kHttp),
                                    limits.http_timeout + kActivityTimeoutGrace};
  for (const char* network : {"grpc", "openapi", "mcp"}) {  // network calls too
    commands.activity_kinds[network] = commands.activity_kinds[kHttp];
  }
  commands.activity_kinds[kShell] = {ActivityTaskQueue(workflow_queue, kShell),
                                     limits.shell_timeout + kActivityTimeoutGrace};
  // Processes and local files share the shell queue, its pollers and its timeout.
  for (const char* kind : {"script", "container", "resource"}) {
    commands.activity_kinds[kind] = commands.activity_kinds[kShell];
  }
  commands.activity_kinds["emit"] = {ActivityTaskQueue(workflow_queue, kHttp),
                                     limits.http_timeout + kActivityTimeoutGrace};
}

std::vector<temporal::ActivityQueue> ActivityQueuesByKind(const std::string& workflow_queue,
                                                          const ActivitySlots& slots) {
  return {{ActivityTaskQueue(workflow_queue, kHttp), slots.http},
          {ActivityTaskQueue(workflow_queue, kShell), slots.shell}};
}

}  // namespace stigmer::activities

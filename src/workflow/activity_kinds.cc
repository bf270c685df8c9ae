#include "workflow/activity_kinds.h"

#include <cstdint>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace stigmer::workflow {
namespace {

constexpr char kHttp[] = "http";
constexpr char kShell[] = "shell";

// `*value` from variable `name` when it is set: a number from 1 to `max`.
absl::Status ReadNumber(const EnvironmentLookup& lookup, const char* name, int64_t max,
                        int64_t* value) {
  const std::optional<std::string> text = lookup(name);
  if (!text || text->empty()) return absl::OkStatus();
  int64_t parsed = 0;
  if (!absl::SimpleAtoi(*text, &parsed) || parsed < 1 || parsed > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, " must be a number from 1 to ", max, ", not \"", *text, "\""));
  }
  *value = parsed;
  return absl::OkStatus();
}

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
  for (absl::Status status : {ReadNumber(lookup, "STIGMER_HTTP_TIMEOUT_S", 86400, &http_s),
                              ReadNumber(lookup, "STIGMER_SHELL_TIMEOUT_S", 604800, &shell_s),
                              ReadNumber(lookup, "STIGMER_HTTP_POLLERS", 64, &http_pollers),
                              ReadNumber(lookup, "STIGMER_SHELL_POLLERS", 64, &shell_pollers)}) {
    if (!status.ok()) return status;
  }
  limits.http_timeout = absl::Seconds(http_s);
  limits.shell_timeout = absl::Seconds(shell_s);
  slots.http = static_cast<int>(http_pollers);
  slots.shell = static_cast<int>(shell_pollers);
  return absl::OkStatus();
}

void ScheduleActivitiesByKind(const std::string& workflow_queue, const ActivityLimits& limits,
                              CommandOptions& commands) {
  commands.activity_kinds[kHttp] = {ActivityTaskQueue(workflow_queue, kHttp),
                                    limits.http_timeout + kActivityTimeoutGrace};
  commands.activity_kinds[kShell] = {ActivityTaskQueue(workflow_queue, kShell),
                                     limits.shell_timeout + kActivityTimeoutGrace};
}

std::vector<temporal::ActivityQueue> ActivityQueuesByKind(const std::string& workflow_queue,
                                                          const ActivitySlots& slots) {
  return {{ActivityTaskQueue(workflow_queue, kHttp), slots.http},
          {ActivityTaskQueue(workflow_queue, kShell), slots.shell}};
}

}  // namespace stigmer::workflow

#include "workflow/dsl_schedule.h"

#include "absl/strings/str_cat.h"
#include "workflow/cron_expression.h"
#include "workflow/dsl_duration.h"
#include "workflow/dsl_events.h"

namespace stigmer::workflow {
namespace {

void ValidateScheduleAfter(ValidationContext& context, const nlohmann::ordered_json& schedule) {
  if (schedule.contains("every") || schedule.contains("cron")) {
    context.Report("/schedule/after",
                   "`after` runs the workflow again once each run ends: it does not combine with "
                   "`every` or `cron`; keep one of them");
    return;
  }
  absl::StatusOr<absl::Duration> after = ParseDslDuration(schedule["after"]);
  if (!after.ok()) {
    context.Report("/schedule/after", std::string(after.status().message()));
  } else if (*after < kMinScheduleInterval) {
    context.Report("/schedule/after",
                   absl::StrCat("after ", absl::FormatDuration(*after),
                                " is too soon: the shortest wait between runs is ",
                                absl::FormatDuration(kMinScheduleInterval)));
  }
}

}  // namespace

void ValidateSchedule(ValidationContext& context, const nlohmann::ordered_json& schedule) {
  if (!context.ExpectObject(schedule, "/schedule")) return;
  context.RejectUnknownMembers(schedule, "/schedule", {"every", "cron", "after", "on"});
  if (schedule.contains("after")) ValidateScheduleAfter(context, schedule);
  const bool timed =
      schedule.contains("every") || schedule.contains("cron") || schedule.contains("after");
  if (!timed && !schedule.contains("on")) {
    context.Report("/schedule", "a schedule needs `every` (a duration), `cron` or `on` (events)");
  } else if (timed && schedule.contains("on")) {
    context.Report("/schedule/on",
                   "`on` starts runs on events: it does not combine with every, cron or after");
  }
  if (schedule.contains("on")) ValidateScheduleOn(context, schedule["on"]);
  if (schedule.contains("every")) {
    absl::StatusOr<absl::Duration> every = ParseDslDuration(schedule["every"]);
    if (!every.ok()) {
      context.Report("/schedule/every", std::string(every.status().message()));
    } else if (*every < kMinScheduleInterval) {
      context.Report("/schedule/every",
                     absl::StrCat("every ", absl::FormatDuration(*every),
                                  " is too often: the shortest schedule interval is ",
                                  absl::FormatDuration(kMinScheduleInterval)));
    }
  }
  if (schedule.contains("cron") && context.ExpectString(schedule["cron"], "/schedule/cron")) {
    if (absl::Status cron = CheckCronExpression(schedule["cron"].get<std::string>()); !cron.ok()) {
      context.Report("/schedule/cron", std::string(cron.message()));
    }
  }
}

std::optional<WorkflowSchedule> ScheduleOf(const nlohmann::ordered_json& document) {
  if (!document.is_object() || !document.contains("schedule")) return std::nullopt;
  const nlohmann::ordered_json& schedule = document["schedule"];
  if (!schedule.is_object()) return std::nullopt;
  WorkflowSchedule result;
  if (schedule.contains("every")) {
    absl::StatusOr<absl::Duration> every = ParseDslDuration(schedule["every"]);
    if (every.ok()) result.every = *every;
  }
  if (schedule.contains("cron") && schedule["cron"].is_string()) {
    result.cron = schedule["cron"].get<std::string>();
  }
  if (schedule.contains("after")) {
    absl::StatusOr<absl::Duration> after = ParseDslDuration(schedule["after"]);
    if (after.ok()) result.after = *after;
  }
  if (!result.every.has_value() && result.cron.empty() && !result.after.has_value()) {
    return std::nullopt;
  }
  return result;
}

}  // namespace stigmer::workflow

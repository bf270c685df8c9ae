#ifndef STIGMER_WORKFLOW_DSL_SCHEDULE_H_
#define STIGMER_WORKFLOW_DSL_SCHEDULE_H_

// A workflow's `schedule` (document level): `every` (a DSL duration) and `cron` (five fields,
// cron_expression.h), one or both. stigmer-server turns it into a Temporal Schedule
// (server/workflow_schedules.h). `after` and `on` are refused when applied.

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "workflow/dsl_validation_context.h"

namespace stigmer::workflow {

// The shortest `every` accepted: a schedule firing more often would flood the store and
// Temporal with runs.
inline constexpr absl::Duration kMinScheduleInterval = absl::Seconds(1);

struct WorkflowSchedule {
  std::optional<absl::Duration> every;  // at least kMinScheduleInterval
  std::string cron;                     // empty: none
  // Run again this long after each run ends (at least kMinScheduleInterval); never with
  // `every` or `cron`.
  std::optional<absl::Duration> after;
};

// Checks the document's `schedule` (at "/schedule").
void ValidateSchedule(ValidationContext& context, const nlohmann::ordered_json& schedule);

// The schedule of `document` (a workflow document that passed validation); none when it has no
// `schedule`.
std::optional<WorkflowSchedule> ScheduleOf(const nlohmann::ordered_json& document);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_DSL_SCHEDULE_H_

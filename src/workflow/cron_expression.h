#ifndef STIGMER_WORKFLOW_CRON_EXPRESSION_H_
#define STIGMER_WORKFLOW_CRON_EXPRESSION_H_

// The cron expressions `schedule.cron` takes, checked when a workflow is applied so that a
// schedule Temporal would refuse never reaches it. Temporal computes the fire times itself.

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace stigmer::workflow {

// The longest cron expression accepted.
inline constexpr size_t kMaxCronExpressionBytes = 256;

// OK when `text` is five fields separated by spaces (minute 0-59, hour 0-23, day of month 1-31,
// month 1-12 or JAN-DEC, day of week 0-7 or SUN-SAT, 0 and 7 both Sunday), each a comma
// list of `*`, a value or a range `a-b`, optionally followed by a step `/n`; or one of
// @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly. InvalidArgument otherwise,
// naming the field and what is wrong with it, fit to follow a JSON pointer.
absl::Status CheckCronExpression(absl::string_view text);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_CRON_EXPRESSION_H_

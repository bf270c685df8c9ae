#ifndef STIGMER_WORKFLOW_DSL_DURATION_H_
#define STIGMER_WORKFLOW_DSL_DURATION_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace stigmer::workflow {

// The longest duration a document may give anywhere: 100 years (36,500 days). Temporal caps
// timers at 250 years and a protobuf Duration ends at 10,000; nothing real waits longer.
inline constexpr absl::Duration kMaxDslDuration = absl::Hours(24 * 36500);

// A DSL duration (`wait`, `timeout.after`, retry delays): either an ISO 8601 duration string
// such as "PT2S", "PT1M30.5S", "P1DT12H" or "P2W" (years and months are refused: they have no
// fixed length), or an object of non-negative integers `days`, `hours`, `minutes`, `seconds` and
// `milliseconds` with at least one of them, which add up; at most kMaxDslDuration.
// InvalidArgument with a message fit to follow a JSON pointer otherwise; a longer one:
// "the duration is longer than 100 years (36500 days), the most stigmer accepts".
absl::StatusOr<absl::Duration> ParseDslDuration(const nlohmann::ordered_json& value);

// The ISO 8601 form alone (also at most kMaxDslDuration).
absl::StatusOr<absl::Duration> ParseIso8601Duration(absl::string_view text);

// `duration` within [0, kMaxDslDuration]: for durations computed at run time (a retry's
// exponential backoff) before they become a Temporal timer.
absl::Duration ClampDslDuration(absl::Duration duration);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_DSL_DURATION_H_

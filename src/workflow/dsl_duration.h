#ifndef STIGMER_WORKFLOW_DSL_DURATION_H_
#define STIGMER_WORKFLOW_DSL_DURATION_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace stigmer::workflow {

// A DSL duration (`wait`, `timeout.after`, retry delays): either an ISO 8601 duration string
// such as "PT2S", "PT1M30.5S", "P1DT12H" or "P2W" (years and months are refused: they have no
// fixed length), or an object of non-negative integers `days`, `hours`, `minutes`, `seconds` and
// `milliseconds` with at least one of them, which add up.
// InvalidArgument with a message fit to follow a JSON pointer otherwise.
absl::StatusOr<absl::Duration> ParseDslDuration(const nlohmann::ordered_json& value);

// The ISO 8601 form alone.
absl::StatusOr<absl::Duration> ParseIso8601Duration(absl::string_view text);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_DSL_DURATION_H_

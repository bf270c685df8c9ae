#ifndef STIGMER_CLI_LOG_SINCE_H_
#define STIGMER_CLI_LOG_SINCE_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace stigmer::cli {

// Parses the value of `stigmer server logs --since`:
//   - a duration before `now`, in Go/Abseil form: "10m", "1h30m", "90s", "1.5h" (not negative);
//   - an RFC 3339 time: "2026-11-27T15:04:05Z", "2026-11-27T15:04:05.123Z",
//     "2026-11-27T15:04:05+01:00" (a lowercase 't'/'z' and a space instead of 'T' are accepted).
// Returns the absolute time; InvalidArgument naming the value and the accepted forms otherwise.
absl::StatusOr<absl::Time> ParseSince(absl::string_view text, absl::Time now);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_LOG_SINCE_H_

#ifndef STIGMER_COMMON_TIMESTAMP_H_
#define STIGMER_COMMON_TIMESTAMP_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace stigmer {

// "2026-11-27T15:04:05.123Z": RFC 3339 in UTC with milliseconds, fixed width (24 characters),
// so that log lines sort by time as text.
std::string FormatRfc3339Millis(absl::Time time);

// Parses the timestamp at the start of a log line written with FormatRfc3339Millis.
std::optional<absl::Time> ParseRfc3339Millis(absl::string_view text);

}  // namespace stigmer

#endif  // STIGMER_COMMON_TIMESTAMP_H_

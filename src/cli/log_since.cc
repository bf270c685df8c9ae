#include "cli/log_since.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace stigmer::cli {
namespace {

absl::Status InvalidSince(absl::string_view text) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid --since value \"", text,
                   "\": expected a duration such as 10m, 1h30m or 90s, or an RFC 3339 time such "
                   "as 2026-11-27T15:04:05Z, 2026-11-27T15:04:05.123Z or "
                   "2026-11-27T15:04:05+01:00"));
}

}  // namespace

absl::StatusOr<absl::Time> ParseSince(absl::string_view text, absl::Time now) {
  const absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  if (trimmed.empty()) return InvalidSince(text);

  absl::Duration duration;
  if (absl::ParseDuration(trimmed, &duration)) {
    if (duration < absl::ZeroDuration() || duration == absl::InfiniteDuration()) {
      return InvalidSince(text);
    }
    return now - duration;
  }

  // RFC 3339 allows 't', 'z' and (in its ABNF note) a space for 'T'.
  std::string normalized(trimmed);
  if (normalized.size() > 10 && (normalized[10] == 't' || normalized[10] == ' ')) {
    normalized[10] = 'T';
  }
  if (normalized.back() == 'z') normalized.back() = 'Z';
  absl::Time time;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, normalized, &time, &error)) return time;
  return InvalidSince(text);
}

}  // namespace stigmer::cli

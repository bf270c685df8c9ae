#include "common/timestamp.h"

namespace stigmer {

std::string FormatRfc3339Millis(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone());
}

std::optional<absl::Time> ParseRfc3339Millis(absl::string_view text) {
  constexpr size_t kWidth = 24;
  if (text.size() < kWidth) return std::nullopt;
  absl::Time time;
  std::string error;
  if (!absl::ParseTime("%Y-%m-%dT%H:%M:%E*SZ", std::string(text.substr(0, kWidth)),
                       absl::UTCTimeZone(), &time, &error)) {
    return std::nullopt;
  }
  return time;
}

}  // namespace stigmer

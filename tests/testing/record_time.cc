#include "testing/record_time.h"

#include <string>

namespace stigmer::testing {

absl::Time RecordTime(const nlohmann::json& value) {
  absl::Time time = absl::InfinitePast();
  std::string error;
  if (value.is_string()) {
    absl::ParseTime(absl::RFC3339_full, value.get<std::string>(), &time, &error);
  }
  return time;
}

}  // namespace stigmer::testing

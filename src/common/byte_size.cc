#include "common/byte_size.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace stigmer {

std::string HumanBytes(size_t bytes) {
  constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return absl::StrCat(bytes, bytes == 1 ? " byte" : " bytes");
  double value = static_cast<double>(bytes);
  int unit = -1;
  while (value >= 1024 && unit < 3) {
    value /= 1024;
    ++unit;
  }
  const double tenths = std::round(value * 10) / 10;
  if (tenths == std::floor(tenths)) return absl::StrFormat("%.0f %s", tenths, kUnits[unit]);
  return absl::StrFormat("%.1f %s", tenths, kUnits[unit]);
}

}  // namespace stigmer

#include "common/payload_limits.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace stigmer {

std::string FormatMebibytes(size_t bytes) {
  if (bytes < 1024 * 1024) return absl::StrCat((bytes + 1023) / 1024, " KiB");
  const double mebibytes = static_cast<double>(bytes) / (1024 * 1024);
  std::string text = absl::StrFormat("%.1f", mebibytes);
  if (absl::EndsWith(text, ".0")) text.resize(text.size() - 2);
  return absl::StrCat(text, " MiB");
}

}  // namespace stigmer

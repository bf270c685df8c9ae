#include "common/environment.h"

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace stigmer {

EnvironmentLookup ProcessEnvironment() {
  return [](absl::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

absl::Status ReadPositiveSetting(const EnvironmentLookup& lookup, absl::string_view name,
                                 int64_t max, int64_t* value) {
  const std::optional<std::string> text = lookup(name);
  if (!text || text->empty()) return absl::OkStatus();
  int64_t parsed = 0;
  if (!absl::SimpleAtoi(*text, &parsed) || parsed < 1 || parsed > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, " must be a number from 1 to ", max, ", not \"", *text, "\""));
  }
  *value = parsed;
  return absl::OkStatus();
}

}  // namespace stigmer

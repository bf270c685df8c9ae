#include "workflow/dsl_duration.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace stigmer::workflow {
namespace {

constexpr char kDurationForms[] =
    "must be an ISO 8601 duration (like \"PT2S\") or an object of days, hours, minutes, "
    "seconds and milliseconds";

absl::Status NotIso8601(absl::string_view text) {
  return absl::InvalidArgumentError(absl::StrCat(
      "\"", text, "\" is not an ISO 8601 duration (like \"PT2S\", \"PT1M30S\" or \"P1DT2H\")"));
}

absl::StatusOr<absl::Duration> AtMostTheLongest(absl::Duration duration) {
  if (duration <= kMaxDslDuration) return duration;
  return absl::InvalidArgumentError(absl::StrCat("the duration is longer than 100 years (",
                                                 kMaxDslDuration / absl::Hours(24),
                                                 " days), the most stigmer accepts"));
}

}  // namespace

absl::Duration ClampDslDuration(absl::Duration duration) {
  return std::clamp(duration, absl::ZeroDuration(), kMaxDslDuration);
}

absl::StatusOr<absl::Duration> ParseIso8601Duration(absl::string_view text) {
  absl::string_view rest = text;
  if (rest.empty() || (rest[0] != 'P' && rest[0] != 'p')) return NotIso8601(text);
  rest.remove_prefix(1);
  absl::Duration total = absl::ZeroDuration();
  bool in_time = false;
  bool any_component = false;
  bool any_time_component = false;
  while (!rest.empty()) {
    char c = absl::ascii_toupper(static_cast<unsigned char>(rest[0]));
    if (c == 'T') {
      if (in_time) return NotIso8601(text);
      in_time = true;
      rest.remove_prefix(1);
      continue;
    }
    size_t length = 0;
    bool fraction = false;
    while (length < rest.size() && (absl::ascii_isdigit(static_cast<unsigned char>(rest[length])) ||
                                    rest[length] == '.' || rest[length] == ',')) {
      if (rest[length] == '.' || rest[length] == ',') {
        if (fraction) return NotIso8601(text);
        fraction = true;
      }
      ++length;
    }
    if (length == 0 || length == rest.size()) return NotIso8601(text);
    std::string number(rest.substr(0, length));
    for (char& digit : number) {
      if (digit == ',') digit = '.';
    }
    char unit = absl::ascii_toupper(static_cast<unsigned char>(rest[length]));
    rest.remove_prefix(length + 1);
    double amount = 0;
    if (!absl::SimpleAtod(number, &amount) || amount < 0 || amount > 1e12) {
      return NotIso8601(text);
    }
    if (fraction && !(in_time && unit == 'S')) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", text, "\": only seconds may have a fraction in a duration"));
    }
    if (!in_time && (unit == 'Y' || unit == 'M')) {
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", text, "\": years and months have no fixed length; use weeks, days or hours"));
    }
    if (!in_time && unit == 'W') {
      total += absl::Hours(24 * 7) * amount;
    } else if (!in_time && unit == 'D') {
      total += absl::Hours(24) * amount;
    } else if (in_time && unit == 'H') {
      total += absl::Hours(amount);
    } else if (in_time && unit == 'M') {
      total += absl::Minutes(amount);
    } else if (in_time && unit == 'S') {
      total += absl::Seconds(amount);
    } else {
      return NotIso8601(text);
    }
    any_component = true;
    any_time_component = any_time_component || in_time;
  }
  if (!any_component || (in_time && !any_time_component)) return NotIso8601(text);
  return AtMostTheLongest(total);
}

absl::StatusOr<absl::Duration> ParseDslDuration(const nlohmann::ordered_json& value) {
  if (value.is_string()) return ParseIso8601Duration(value.get_ref<const std::string&>());
  if (!value.is_object()) return absl::InvalidArgumentError(kDurationForms);
  if (value.empty()) {
    return absl::InvalidArgumentError(
        "a duration object needs at least one of days, hours, minutes, seconds and milliseconds");
  }
  absl::Duration total = absl::ZeroDuration();
  for (const auto& [key, amount] : value.items()) {
    absl::Duration unit;
    if (key == "days") {
      unit = absl::Hours(24);
    } else if (key == "hours") {
      unit = absl::Hours(1);
    } else if (key == "minutes") {
      unit = absl::Minutes(1);
    } else if (key == "seconds") {
      unit = absl::Seconds(1);
    } else if (key == "milliseconds") {
      unit = absl::Milliseconds(1);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown duration property \"", key,
                       "\" (expected days, hours, minutes, seconds or milliseconds)"));
    }
    if (!amount.is_number_integer() ||
        (!amount.is_number_unsigned() && amount.get<int64_t>() < 0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("duration property \"", key, "\" must be a non-negative integer"));
    }
    uint64_t count = amount.is_number_unsigned() ? amount.get<uint64_t>()
                                                 : static_cast<uint64_t>(amount.get<int64_t>());
    if (count > 1'000'000'000'000ULL) {
      return absl::InvalidArgumentError(
          absl::StrCat("duration property \"", key, "\" is too large"));
    }
    total += unit * static_cast<int64_t>(count);
  }
  return AtMostTheLongest(total);
}

}  // namespace stigmer::workflow

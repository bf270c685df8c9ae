#include "workflow/cron_expression.h"

#include <iterator>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/types/span.h"

namespace stigmer::workflow {
namespace {

constexpr absl::string_view kMonths[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                         "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr absl::string_view kDays[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

struct CronField {
  absl::string_view name;
  int low, high;
  absl::Span<const absl::string_view> names;  // names[i] stands for low + i
};

constexpr CronField kCronFields[] = {
    {"minute", 0, 59, {}},     {"hour", 0, 23, {}},          {"day of month", 1, 31, {}},
    {"month", 1, 12, kMonths}, {"day of week", 0, 7, kDays},
};

absl::Status FieldError(const CronField& field, absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("the cron ", field.name, " field \"", text, "\" ", why));
}

// One value of `field`: a number in its range or one of its names.
bool ParseValue(const CronField& field, absl::string_view text, int& value) {
  if (absl::SimpleAtoi(text, &value)) return value >= field.low && value <= field.high;
  const std::string upper = absl::AsciiStrToUpper(text);
  for (size_t i = 0; i < field.names.size(); ++i) {
    if (upper == field.names[i]) {
      value = field.low + static_cast<int>(i);
      return true;
    }
  }
  return false;
}

absl::Status CheckItem(const CronField& field, absl::string_view item) {
  std::vector<absl::string_view> stepped = absl::StrSplit(item, '/');
  if (stepped.size() > 2) return FieldError(field, item, "has more than one step (/)");
  if (stepped.size() == 2) {
    int step = 0;
    if (!absl::SimpleAtoi(stepped[1], &step) || step < 1 || step > field.high) {
      return FieldError(field, item,
                        absl::StrCat("has a step that is not a number from 1 to ", field.high));
    }
  }
  const absl::string_view range = stepped[0];
  if (range == "*") return absl::OkStatus();
  std::vector<absl::string_view> ends = absl::StrSplit(range, '-');
  const std::string allowed = absl::StrCat(
      "is not *, a value from ", field.low, " to ", field.high,
      field.names.empty() ? "" : absl::StrCat(" (or a name such as ", field.names[0], ")"),
      ", nor a range of them (a-b)");
  if (ends.size() > 2) return FieldError(field, item, allowed);
  int first = 0, last = 0;
  if (!ParseValue(field, ends[0], first)) return FieldError(field, item, allowed);
  if (ends.size() == 2) {
    if (!ParseValue(field, ends[1], last)) return FieldError(field, item, allowed);
    if (last < first) return FieldError(field, item, "is a range that ends before it starts");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckCronExpression(absl::string_view text) {
  if (text.size() > kMaxCronExpressionBytes) {
    return absl::InvalidArgumentError(absl::StrCat("the cron expression is longer than ",
                                                   kMaxCronExpressionBytes, " characters"));
  }
  const absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  if (absl::StartsWith(trimmed, "@")) {
    for (absl::string_view macro :
         {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}) {
      if (trimmed == macro) return absl::OkStatus();
    }
    return absl::InvalidArgumentError(
        absl::StrCat("\"", trimmed,
                     "\" is not a cron shorthand stigmer knows: use @yearly, @monthly, @weekly, "
                     "@daily or @hourly, five fields, or `every` for an interval"));
  }
  std::vector<absl::string_view> fields =
      absl::StrSplit(trimmed, absl::ByAnyChar(" \t"), absl::SkipEmpty());
  if (fields.size() != std::size(kCronFields)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", trimmed, "\" is not a cron expression: it has ", fields.size(),
        " fields, a cron expression has 5 (minute hour day-of-month month day-of-week), "
        "e.g. \"0 0 * * *\" for every day at midnight UTC"));
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    for (absl::string_view item : absl::StrSplit(fields[i], ',')) {
      if (absl::Status checked = CheckItem(kCronFields[i], item); !checked.ok()) return checked;
    }
  }
  return absl::OkStatus();
}

}  // namespace stigmer::workflow

#include "common/json_limits.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace stigmer {
namespace {

std::string Place(absl::string_view text, size_t offset) {
  size_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return absl::StrCat("line ", line, ", column ", offset - line_start + 1);
}

}  // namespace

absl::Status CheckJsonDepth(absl::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        return absl::InvalidArgumentError(absl::StrCat("is nested deeper than ", max_depth,
                                                       " levels (the limit) at ", Place(text, i)));
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;  // an unbalanced bracket is the parser's to report
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<nlohmann::json> ParseJsonBounded(absl::string_view text, absl::string_view what,
                                                const JsonLimits& limits) {
  if (absl::Status depth = CheckJsonDepth(text, limits.max_depth); !depth.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(what, " ", depth.message(), "; flatten it"));
  }
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& error) {
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ..." without the tag;
    // also out_of_range.406, "number overflow parsing '1e400'" (found by make fuzz).
    absl::string_view message = error.what();
    if (const size_t tag_end = message.find("] ");
        absl::StartsWith(message, "[json.exception.") && tag_end != absl::string_view::npos) {
      message.remove_prefix(tag_end + 2);
    }
    return absl::InvalidArgumentError(absl::StrCat(what, " is not valid JSON: ", message));
  }
}

}  // namespace stigmer

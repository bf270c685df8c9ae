#ifndef STIGMER_COMMON_JSON_LIMITS_H_
#define STIGMER_COMMON_JSON_LIMITS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace stigmer {

// The deepest nesting (arrays and objects inside each other) stigmer accepts in any JSON or
// YAML value: workflow documents, execution inputs, expression results, HTTP bodies, payloads.
// Far deeper than real data, and shallow enough that the recursive walks over a value (copy,
// dump, validation) stay well inside a thread's stack.
inline constexpr int kMaxJsonDepth = 256;

struct JsonLimits {
  int max_depth = kMaxJsonDepth;
};

// OK when no array or object in `text` is nested more than `max_depth` deep (brackets inside
// strings do not count). Does not check that `text` is JSON. InvalidArgument otherwise:
// "is nested deeper than 256 levels (the limit) at line L, column C" (both 1-based), for the
// caller to put its noun in front. Runs in one pass, without recursion or allocation.
absl::Status CheckJsonDepth(absl::string_view text, int max_depth = kMaxJsonDepth);

// Parses `text` as one JSON value, refusing nesting beyond `limits` before any value is built.
// InvalidArgument whose message starts with `what` (e.g. "the input", "--input"):
// - "<what> is nested deeper than 256 levels (the limit) at line L, column C; flatten it";
// - "<what> is not valid JSON: <where and why>".
// Thread-safe.
absl::StatusOr<nlohmann::json> ParseJsonBounded(absl::string_view text, absl::string_view what,
                                                const JsonLimits& limits = {});

}  // namespace stigmer

#endif  // STIGMER_COMMON_JSON_LIMITS_H_

#ifndef STIGMER_CLI_RUN_INPUT_H_
#define STIGMER_CLI_RUN_INPUT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace stigmer::cli {

// The value of `stigmer run --input`: "" (meaning {}), a JSON object, or @FILE holding one.
// Returns the object as compact JSON; InvalidArgument for text that is not a JSON object or
// is nested too deep (ParseRunInput), or the error reading FILE.
absl::StatusOr<std::string> ReadRunInput(const std::string& input);

// `text` as a JSON object, compact. InvalidArgument naming --input: not JSON (where and why),
// nested deeper than kMaxJsonDepth, or not an object. Pure.
absl::StatusOr<std::string> ParseRunInput(absl::string_view text);

// One `--env NAME=VALUE` or `--secret NAME=VALUE`: the name is what comes before the first
// "=" and may not be empty; the value may (and may hold "="). InvalidArgument otherwise, naming
// the flag and, for --env only, the text (a secret's text is never repeated). Pure.
struct RuntimePair {
  std::string name;
  std::string value;
};
absl::StatusOr<RuntimePair> ParseRuntimePair(absl::string_view text, bool secret);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_RUN_INPUT_H_

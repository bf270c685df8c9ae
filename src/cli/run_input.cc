#include "cli/run_input.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/file_io.h"
#include "common/json_limits.h"

namespace stigmer::cli {

absl::StatusOr<std::string> ReadRunInput(const std::string& input) {
  if (input.empty()) return ParseRunInput("{}");
  if (!absl::StartsWith(input, "@")) return ParseRunInput(input);
  absl::StatusOr<std::string> file = ReadFileToString(input.substr(1));
  if (!file.ok()) return file.status();
  return ParseRunInput(*file);
}

absl::StatusOr<std::string> ParseRunInput(absl::string_view text) {
  absl::StatusOr<nlohmann::json> json = ParseJsonBounded(text, "--input");
  if (!json.ok()) return json.status();
  if (!json->is_object()) {
    return absl::InvalidArgumentError("--input must be a JSON object, such as {\"name\": \"ada\"}");
  }
  return json->dump();
}

absl::StatusOr<RuntimePair> ParseRuntimePair(absl::string_view text, bool secret) {
  const size_t equals = text.find('=');
  if (equals == absl::string_view::npos || equals == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        secret ? "--secret" : "--env", " \"", secret ? "<hidden>" : text, "\" is not NAME=VALUE"));
  }
  return RuntimePair{std::string(text.substr(0, equals)), std::string(text.substr(equals + 1))};
}

}  // namespace stigmer::cli

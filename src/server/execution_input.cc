#include "server/execution_input.h"

#include "common/json_limits.h"

namespace stigmer::server {

absl::StatusOr<nlohmann::json> ParseExecutionInput(absl::string_view text) {
  if (text.size() > kMaxInputTextBytes) {
    return absl::InvalidArgumentError("the input is larger than 4 MiB");
  }
  absl::StatusOr<nlohmann::json> input = ParseJsonBounded(text.empty() ? "{}" : text, "the input");
  if (!input.ok()) return input.status();
  if (!input->is_object()) return absl::InvalidArgumentError("the input must be a JSON object");
  return input;
}

}  // namespace stigmer::server

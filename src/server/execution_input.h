#ifndef STIGMER_SERVER_EXECUTION_INPUT_H_
#define STIGMER_SERVER_EXECUTION_INPUT_H_

#include <cstddef>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace stigmer::server {

// The largest input text ExecutionService.Create reads (gRPC's own message limit is 4 MiB too);
// what fits Temporal is checked once the input is compact JSON (see ExecutionManager::Create).
inline constexpr size_t kMaxInputTextBytes = 4 * 1024 * 1024;

// The input of a CreateExecutionRequest as the JSON object a run starts with; empty text is {}.
// InvalidArgument: "the input is larger than 4 MiB", "the input is nested deeper than 256 levels
// (the limit) at line L, column C; flatten it", "the input is not valid JSON: …", "the input must
// be a JSON object". Thread-safe.
absl::StatusOr<nlohmann::json> ParseExecutionInput(absl::string_view text);

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_EXECUTION_INPUT_H_

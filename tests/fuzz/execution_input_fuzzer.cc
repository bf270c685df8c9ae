// Fuzzes the execution input path: bytes as the input of ExecutionService.Create (the same
// bounded JSON parse `stigmer run --input` uses). Every input must be either a JSON object no
// deeper than kMaxJsonDepth, whose compact form reads back to the same compact form, or refused
// with InvalidArgument; nothing may crash, leak or recurse off the stack.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/json_limits.h"
#include "server/execution_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<nlohmann::json> input = stigmer::server::ParseExecutionInput(text);
  if (!input.ok()) {
    if (!absl::IsInvalidArgument(input.status())) std::abort();
    return 0;
  }
  if (!input->is_object()) std::abort();
  // What Create stores and sends to Temporal, and what workflow-runner reads back.
  const std::string compact = input->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (!stigmer::CheckJsonDepth(compact).ok()) std::abort();
  absl::StatusOr<nlohmann::json> again = stigmer::ParseJsonBounded(compact, "the input");
  if (!again.ok()) std::abort();
  if (again->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) != compact) {
    std::abort();
  }
  return 0;
}

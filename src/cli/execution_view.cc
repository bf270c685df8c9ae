#include "cli/execution_view.h"

#include <string>
#include <utility>

#include "cli/resource_output.h"
#include "common/json_limits.h"

namespace stigmer::cli {
namespace {

// A JSON text as a value; the text itself when it does not parse.
nlohmann::json JsonValue(const std::string& text, absl::string_view what) {
  absl::StatusOr<nlohmann::json> value = ParseJsonBounded(text, what);
  return value.ok() ? *std::move(value) : nlohmann::json(text);
}

}  // namespace

nlohmann::json ExecutionToJson(const stigmer::v1::Execution& execution) {
  nlohmann::json json = MessageToJson(execution);
  if (!execution.input().empty()) json["input"] = JsonValue(execution.input(), "the input");
  if (!execution.output().empty()) json["output"] = JsonValue(execution.output(), "the output");
  return json;
}

}  // namespace stigmer::cli

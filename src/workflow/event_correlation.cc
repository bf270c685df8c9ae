#include "workflow/event_correlation.h"

#include "workflow/jq_expression.h"

namespace stigmer::workflow {
namespace {

// A constant `expect` is text: a value that is not text equals it when its JSON text does
// (`expect: '42'` and the number 42).
bool EqualsConstant(const nlohmann::json& value, const std::string& expected) {
  if (value.is_string()) return value.get_ref<const std::string&>() == expected;
  return value.dump() == expected;
}

}  // namespace

absl::StatusOr<std::optional<nlohmann::json>> CorrelationKeys(const nlohmann::json& correlate,
                                                              const nlohmann::json& event,
                                                              const nlohmann::json& fixed,
                                                              const EventExpressions& expressions) {
  nlohmann::json keys = nlohmann::json::object();
  if (!correlate.is_object()) return std::optional<nlohmann::json>(std::move(keys));
  for (const auto& [name, correlation] : correlate.items()) {
    if (!correlation.is_object() || !correlation.contains("from")) continue;
    absl::StatusOr<nlohmann::json> value =
        expressions.from(correlation["from"].get<std::string>(), event);
    if (!value.ok()) return value.status();
    if (value->is_null()) return std::nullopt;
    if (auto expect = correlation.find("expect"); expect != correlation.end()) {
      const std::string& text = expect->get_ref<const std::string&>();
      if (IsRuntimeExpression(text)) {
        absl::StatusOr<nlohmann::json> expected = expressions.expect(text);
        if (!expected.ok()) return expected.status();
        if (*value != *expected) return std::nullopt;
      } else if (!EqualsConstant(*value, text)) {
        return std::nullopt;
      }
    }
    if (fixed.is_object()) {
      auto known = fixed.find(name);
      if (known != fixed.end() && *known != *value) return std::nullopt;
    }
    keys[name] = *std::move(value);
  }
  return std::optional<nlohmann::json>(std::move(keys));
}

}  // namespace stigmer::workflow

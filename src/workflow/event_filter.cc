#include "workflow/event_filter.h"

#include "re2/re2.h"
#include "workflow/jq_expression.h"

namespace stigmer::workflow {
namespace {

bool IsPlainText(const std::string& text) {
  return text.find_first_of("\\^$.|?*+()[]{}") == std::string::npos;
}

bool TextMatches(const std::string& expected, const std::string& actual) {
  if (expected == actual) return true;
  if (IsPlainText(expected)) return false;
  const RE2 pattern(expected, RE2::Quiet);
  return pattern.ok() && RE2::FullMatch(actual, pattern);
}

}  // namespace

absl::StatusOr<bool> EventMatchesFilter(const nlohmann::json& with, const nlohmann::json& event,
                                        const EventExpressionCheck& check) {
  if (!with.is_object() || !event.is_object()) return with.is_null() || with.empty();
  for (const auto& [name, expected] : with.items()) {
    auto actual = event.find(name);
    if (actual == event.end()) return false;
    if (expected.is_string()) {
      const std::string& text = expected.get_ref<const std::string&>();
      if (IsRuntimeExpression(text)) {
        absl::StatusOr<bool> holds = check(text, *actual);
        if (!holds.ok() || !*holds) return holds;
        continue;
      }
      if (!actual->is_string() || !TextMatches(text, actual->get_ref<const std::string&>())) {
        return false;
      }
      continue;
    }
    if (*actual != expected) return false;
  }
  return true;
}

bool EventMayMatchFilter(const nlohmann::json& with, const nlohmann::json& event) {
  if (!with.is_object() || !event.is_object()) return true;
  for (const auto& [name, expected] : with.items()) {
    auto actual = event.find(name);
    if (expected.is_string()) {
      const std::string& text = expected.get_ref<const std::string&>();
      if (IsRuntimeExpression(text) || !IsPlainText(text)) continue;
      if (actual == event.end() || *actual != expected) return false;
      continue;
    }
    if (actual == event.end() || *actual != expected) return false;
  }
  return true;
}

}  // namespace stigmer::workflow

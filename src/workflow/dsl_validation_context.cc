#include "workflow/dsl_validation_context.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "workflow/dsl_duration.h"
#include "workflow/jq_expression.h"
#include "workflow/json_pointer.h"

namespace stigmer::workflow {
namespace {

using Json = nlohmann::ordered_json;

// An expression quoted in a message, cut to a readable length.
std::string Quote(absl::string_view text) {
  constexpr size_t kMaxShown = 80;
  if (text.size() <= kMaxShown) return absl::StrCat("\"", text, "\"");
  return absl::StrCat("\"", text.substr(0, kMaxShown), "...\"");
}

}  // namespace

void ValidationContext::Report(absl::string_view pointer, std::string message) {
  if (problems_.size() >= kMaxProblems) return;
  problems_.push_back({std::string(pointer), std::move(message)});
}

bool ValidationContext::ExpectString(const Json& value, absl::string_view pointer) {
  if (value.is_string()) return true;
  Report(pointer, "must be a string");
  return false;
}

bool ValidationContext::ExpectObject(const Json& value, absl::string_view pointer) {
  if (value.is_object()) return true;
  Report(pointer, "must be an object (a mapping)");
  return false;
}

bool ValidationContext::ExpectBoolean(const Json& value, absl::string_view pointer) {
  if (value.is_boolean()) return true;
  Report(pointer, "must be true or false");
  return false;
}

bool ValidationContext::Require(const Json& object, absl::string_view pointer,
                                absl::string_view name) {
  if (object.contains(std::string(name))) return true;
  Report(pointer, absl::StrCat("missing required property \"", name, "\""));
  return false;
}

void ValidationContext::RejectUnknownMembers(const Json& object, absl::string_view pointer,
                                             std::initializer_list<absl::string_view> allowed) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      Report(JsonPointerAppend(pointer, key), absl::StrCat("unknown property \"", key, "\""));
    }
  }
}

void ValidationContext::CheckDuration(const Json& value, absl::string_view pointer) {
  absl::StatusOr<absl::Duration> duration = ParseDslDuration(value);
  if (!duration.ok()) Report(pointer, std::string(duration.status().message()));
}

void ValidationContext::CheckExpressionField(const Json& value, const std::string& pointer,
                                             const ExpressionScope& scope) {
  MarkChecked(pointer);
  if (!value.is_string()) {
    Report(pointer, "must be a string holding a runtime expression");
    return;
  }
  CheckExpression(value.get_ref<const std::string&>(), pointer, scope);
}

void ValidationContext::CheckEmbeddedExpressions(const Json& value, const std::string& pointer,
                                                 const ExpressionScope& scope) {
  if (checked_.contains(pointer)) return;
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (IsRuntimeExpression(text)) CheckExpression(text, pointer, scope);
  } else if (value.is_object()) {
    for (const auto& [key, member] : value.items()) {
      CheckEmbeddedExpressions(member, JsonPointerAppend(pointer, key), scope);
    }
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) {
      CheckEmbeddedExpressions(value[i], JsonPointerAppend(pointer, i), scope);
    }
  }
}

void ValidationContext::CheckExpression(absl::string_view text, const std::string& pointer,
                                        const ExpressionScope& scope) {
  absl::Status compiled = CompileJqExpression(text, scope);
  if (!compiled.ok()) {
    Report(pointer, absl::StrCat("invalid jq expression ", Quote(text), ": ", compiled.message()));
  }
}

}  // namespace stigmer::workflow

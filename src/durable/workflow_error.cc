#include "durable/workflow_error.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace stigmer::durable {
namespace {

struct StandardKind {
  const char* kind;
  int status;
};

constexpr StandardKind kStandardKinds[] = {
    {"configuration", 400}, {"validation", 400}, {"expression", 400},    {"authentication", 401},
    {"authorization", 403}, {"timeout", 408},    {"communication", 500}, {"runtime", 500},
};

}  // namespace

nlohmann::json WorkflowError::ToJson() const {
  nlohmann::json json = {{"type", type}, {"status", status}, {"instance", instance}};
  if (!title.empty()) json["title"] = title;
  if (!detail.empty()) json["detail"] = detail;
  return json;
}

WorkflowError StandardError(const std::string& kind, std::string title, std::string detail,
                            std::string instance) {
  WorkflowError error;
  error.type = absl::StrCat(kErrorTypePrefix, kind);
  error.status = StandardErrorStatus(error.type);
  if (error.status == 0) error.status = 500;
  error.title = std::move(title);
  error.detail = std::move(detail);
  error.instance = std::move(instance);
  return error;
}

int StandardErrorStatus(const std::string& type) {
  for (const StandardKind& standard : kStandardKinds) {
    if (type == absl::StrCat(kErrorTypePrefix, standard.kind)) return standard.status;
  }
  return 0;
}

bool ErrorMatchesFilter(const WorkflowError& error, const nlohmann::json& filter) {
  if (!filter.is_object()) return true;
  for (const auto& [key, expected] : filter.items()) {
    if (key == "status") {
      if (!expected.is_number() || expected.get<double>() != error.status) return false;
      continue;
    }
    if (!expected.is_string()) return false;
    const std::string& want = expected.get_ref<const std::string&>();
    if (key == "type" && want != error.type) return false;
    if (key == "title" && want != error.title) return false;
    if (key == "detail" && want != error.detail) return false;
    if (key == "instance" && want != error.instance) return false;
  }
  return true;
}

absl::StatusOr<WorkflowError> ErrorFromJson(const nlohmann::json& value) {
  if (!value.is_object()) return absl::InvalidArgumentError("the error is not an object");
  WorkflowError error;
  auto type = value.find("type");
  if (type == value.end() || !type->is_string() || type->get_ref<const std::string&>().empty()) {
    return absl::InvalidArgumentError("the error's type is not a non-empty string");
  }
  error.type = type->get<std::string>();
  auto status = value.find("status");
  if (status == value.end() || !status->is_number_integer()) {
    return absl::InvalidArgumentError("the error's status is not an integer");
  }
  error.status = status->get<int>();
  for (auto [key, field] : {std::pair{"title", &error.title}, std::pair{"detail", &error.detail},
                            std::pair{"instance", &error.instance}}) {
    auto it = value.find(key);
    if (it == value.end() || it->is_null()) continue;
    if (!it->is_string())
      return absl::InvalidArgumentError(absl::StrCat("the error's ", key, " is not a string"));
    *field = it->get<std::string>();
  }
  return error;
}

WorkflowError RedactedError(WorkflowError error, const SecretRedactor& redactor) {
  if (redactor.empty()) return error;
  error.title = redactor.Redact(error.title);
  error.detail = redactor.Redact(error.detail);
  error.instance = redactor.Redact(error.instance);
  return error;
}

}  // namespace stigmer::durable

#include "workflow/dsl_timeout.h"

#include <string>

#include "absl/status/statusor.h"
#include "workflow/dsl_duration.h"

namespace stigmer::workflow {

std::optional<absl::Duration> TimeoutAfter(const nlohmann::ordered_json& document,
                                           const nlohmann::ordered_json& owner) {
  if (!owner.is_object()) return std::nullopt;
  auto timeout = owner.find("timeout");
  if (timeout == owner.end()) return std::nullopt;
  const nlohmann::ordered_json* definition = &*timeout;
  if (definition->is_string()) {
    const std::string& name = definition->get_ref<const std::string&>();
    auto use = document.find("use");
    if (use == document.end() || !use->is_object()) return std::nullopt;
    auto timeouts = use->find("timeouts");
    if (timeouts == use->end() || !timeouts->is_object() || !timeouts->contains(name)) {
      return std::nullopt;
    }
    definition = &(*timeouts)[name];
  }
  if (!definition->is_object() || !definition->contains("after")) return std::nullopt;
  absl::StatusOr<absl::Duration> after = ParseDslDuration((*definition)["after"]);
  if (!after.ok() || *after <= absl::ZeroDuration()) return std::nullopt;
  return *after;
}

}  // namespace stigmer::workflow

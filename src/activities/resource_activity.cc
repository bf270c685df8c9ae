#include "activities/resource_activity.h"

#include <string>

#include "activities/activity_text.h"
#include "activities/local_resource.h"

namespace stigmer::activities {

ActivityResult RunResourceActivity(const nlohmann::json& input) {
  const std::string task = ActivityTaskPath(input);
  const std::string uri = input.is_object() ? input.value("uri", std::string()) : "";
  absl::StatusOr<std::string> text = ReadLocalResource(uri, 1 << 20, SourceDirOf(input));
  if (!text.ok()) {
    return ActivityResult::Failure(durable::StandardError(
        "configuration", "Resource not available", std::string(text.status().message()), task));
  }
  return ActivityResult::Success(ToValidUtf8(*text));
}

}  // namespace stigmer::activities

#include "activities/local_resource.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/file_io.h"

namespace stigmer::activities {

std::string EndpointUri(const nlohmann::json& endpoint) {
  if (endpoint.is_string()) return endpoint.get<std::string>();
  if (endpoint.is_object()) {
    auto uri = endpoint.find("uri");
    if (uri != endpoint.end() && uri->is_string()) return uri->get<std::string>();
  }
  return "";
}

absl::StatusOr<std::string> LocalResourcePath(absl::string_view uri) {
  if (absl::StartsWith(uri, "file://")) {
    absl::string_view path = uri.substr(7);
    if (absl::StartsWith(path, "/")) return std::string(path);
  } else if (absl::StartsWith(uri, "/")) {
    return std::string(uri);
  }
  if (absl::StartsWithIgnoreCase(uri, "http://") || absl::StartsWithIgnoreCase(uri, "https://")) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", uri,
                     "\" is not fetched: stigmer reaches no network while it runs a workflow; "
                     "copy it to this machine and give file:///its/path"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("\"", uri, "\" is not a local resource: give file:///its/path or /its/path"));
}

absl::StatusOr<std::string> ReadLocalResource(absl::string_view uri, size_t max_bytes) {
  absl::StatusOr<std::string> path = LocalResourcePath(uri);
  if (!path.ok()) return path.status();
  std::error_code error;
  const auto size = std::filesystem::file_size(*path, error);
  if (!error && size > max_bytes) {
    return absl::FailedPreconditionError(
        absl::StrCat(*path, " holds ", size, " bytes; at most ", max_bytes, " are read"));
  }
  absl::StatusOr<std::string> text = ReadFileToString(*path);
  if (!text.ok()) return text.status();
  if (text->size() > max_bytes) {
    return absl::FailedPreconditionError(
        absl::StrCat(*path, " holds more than ", max_bytes, " bytes"));
  }
  return text;
}

}  // namespace stigmer::activities

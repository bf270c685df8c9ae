#include "activities/local_resource.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
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

namespace {

// Whether `uri` starts with a scheme (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":").
bool HasScheme(absl::string_view uri) {
  if (uri.empty() || !absl::ascii_isalpha(uri[0])) return false;
  for (char c : uri) {
    if (c == ':') return true;
    if (!absl::ascii_isalnum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return false;
}

}  // namespace

std::string SourceDirOf(const nlohmann::json& request) {
  if (!request.is_object()) return "";
  auto found = request.find(kSourceDirKey);
  return found != request.end() && found->is_string() ? found->get<std::string>() : "";
}

LocalReference ClassifyLocalReference(absl::string_view uri) {
  if (absl::ConsumePrefix(&uri, "file://")) {
    if (uri.empty()) return LocalReference::kNotLocal;
    return absl::StartsWith(uri, "/") ? LocalReference::kAbsolute : LocalReference::kRelative;
  }
  if (absl::StartsWith(uri, "/")) return LocalReference::kAbsolute;
  if (uri.empty() || HasScheme(uri)) return LocalReference::kNotLocal;
  return LocalReference::kRelative;
}

absl::StatusOr<std::string> LocalResourcePath(absl::string_view uri, absl::string_view source_dir) {
  absl::string_view path = uri;
  absl::ConsumePrefix(&path, "file://");
  switch (ClassifyLocalReference(uri)) {
    case LocalReference::kAbsolute:
      return std::string(path);
    case LocalReference::kRelative:
      if (source_dir.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "\"", uri,
            "\" is a relative path, and this workflow was not applied from a file whose folder "
            "it could be read from: apply it with `stigmer apply -f FILE`, or give "
            "file:///its/path"));
      }
      return (std::filesystem::path(std::string(source_dir)) / std::string(path))
          .lexically_normal()
          .string();
    case LocalReference::kNotLocal:
      break;
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

absl::StatusOr<std::string> ReadLocalResource(absl::string_view uri, size_t max_bytes,
                                              absl::string_view source_dir) {
  absl::StatusOr<std::string> path = LocalResourcePath(uri, source_dir);
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

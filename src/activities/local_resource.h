#ifndef STIGMER_ACTIVITIES_LOCAL_RESOURCE_H_
#define STIGMER_ACTIVITIES_LOCAL_RESOURCE_H_

// External resources (a script's `source`, a catalog's function) read from this machine only:
// stigmer reaches no network while it runs a workflow.

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace stigmer::activities {

// The URI of an endpoint: the string itself, or the `uri` of {uri: ...}; "" when neither.
std::string EndpointUri(const nlohmann::json& endpoint);

// The local path of `uri`: "file:///a/b" → "/a/b", an absolute path as it is. InvalidArgument
// for anything else, saying that http(s) and other schemes are not fetched and what to give
// instead.
absl::StatusOr<std::string> LocalResourcePath(absl::string_view uri);

// The contents of the local resource `uri`, at most `max_bytes` of them (FailedPrecondition
// beyond); NotFound when the file does not exist.
absl::StatusOr<std::string> ReadLocalResource(absl::string_view uri, size_t max_bytes);

}  // namespace stigmer::activities

#endif  // STIGMER_ACTIVITIES_LOCAL_RESOURCE_H_

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

// What a reference to a file names. Absolute: "file:///a/b" or "/a/b". Relative: "file://a/b"
// (the spec's examples mean the folder a, not a host) or a path with no scheme ("a/b", "../b"),
// resolved against the folder of the file `stigmer apply` read. Anything with a scheme
// ("https://…", "mailto:…") is not local.
enum class LocalReference { kAbsolute, kRelative, kNotLocal };
LocalReference ClassifyLocalReference(absl::string_view uri);

// The local path of `uri`: "file:///a/b" → "/a/b", an absolute path as it is, a relative one
// joined to `source_dir` and normalised ("..", allowed, is resolved lexically). InvalidArgument
// for a relative one when `source_dir` is empty, and for anything else, saying that http(s) and
// other schemes are not fetched and what to give instead.
absl::StatusOr<std::string> LocalResourcePath(absl::string_view uri,
                                              absl::string_view source_dir = "");

// The contents of the local resource `uri` (relative to `source_dir` as LocalResourcePath), at
// most `max_bytes` of them (FailedPrecondition beyond); NotFound when the file does not exist.
// Errors name the resolved path.
absl::StatusOr<std::string> ReadLocalResource(absl::string_view uri, size_t max_bytes,
                                              absl::string_view source_dir = "");

// The key of the folder relative references resolve against, in the request of an activity that
// reads a local resource (grpc, openapi, script, resource), and in a start's runtime values.
inline constexpr char kSourceDirKey[] = "source_dir";

// The request's `source_dir`, "" when it has none.
std::string SourceDirOf(const nlohmann::json& request);

}  // namespace stigmer::activities

#endif  // STIGMER_ACTIVITIES_LOCAL_RESOURCE_H_

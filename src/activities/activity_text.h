#ifndef STIGMER_ACTIVITIES_ACTIVITY_TEXT_H_
#define STIGMER_ACTIVITIES_ACTIVITY_TEXT_H_

// Bytes from the outside world (a response body, a command's output) made fit for JSON, whose
// strings must be valid UTF-8 (nlohmann::json throws when it serializes anything else).

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace stigmer::activities {

// True when `bytes` is well-formed UTF-8 (no overlong forms, no surrogates, nothing past
// U+10FFFF).
bool IsValidUtf8(absl::string_view bytes);

// `bytes` with every ill-formed sequence replaced by U+FFFD.
std::string ToValidUtf8(absl::string_view bytes);

// At most `max_bytes` of `bytes` for an error's detail, as valid UTF-8, cut at a character
// boundary and followed by " … (N more bytes)" when cut.
std::string Excerpt(absl::string_view bytes, size_t max_bytes = 1024);

}  // namespace stigmer::activities

#endif  // STIGMER_ACTIVITIES_ACTIVITY_TEXT_H_

#ifndef STIGMER_COMMON_UTF8_PREFIX_H_
#define STIGMER_COMMON_UTF8_PREFIX_H_

#include <cstddef>

#include "absl/strings/string_view.h"

namespace stigmer {

// The longest prefix of `text` of at most `max_bytes` that does not end inside a UTF-8
// character (it steps back over continuation bytes). `text` itself when it fits.
absl::string_view Utf8Prefix(absl::string_view text, size_t max_bytes);

}  // namespace stigmer

#endif  // STIGMER_COMMON_UTF8_PREFIX_H_

#ifndef STIGMER_WORKFLOW_JSON_POINTER_H_
#define STIGMER_WORKFLOW_JSON_POINTER_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace stigmer::workflow {

// JSON pointers (RFC 6901) as the DSL uses them to name a place in a document, e.g.
// "/do/2/fetch/call". The document root is the empty pointer "".

// `token` escaped for use as one pointer segment: "~" becomes "~0", then "/" becomes "~1".
std::string EscapeJsonPointerToken(absl::string_view token);

// `pointer` followed by one more segment: the escaped member name, or the array index.
std::string JsonPointerAppend(absl::string_view pointer, absl::string_view member);
std::string JsonPointerAppend(absl::string_view pointer, size_t index);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_JSON_POINTER_H_

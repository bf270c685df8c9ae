#include "workflow/json_pointer.h"

#include "absl/strings/str_cat.h"

namespace stigmer::workflow {

std::string EscapeJsonPointerToken(absl::string_view token) {
  std::string escaped;
  escaped.reserve(token.size());
  for (char c : token) {
    if (c == '~') {
      escaped += "~0";
    } else if (c == '/') {
      escaped += "~1";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

std::string JsonPointerAppend(absl::string_view pointer, absl::string_view member) {
  return absl::StrCat(pointer, "/", EscapeJsonPointerToken(member));
}

std::string JsonPointerAppend(absl::string_view pointer, size_t index) {
  return absl::StrCat(pointer, "/", index);
}

}  // namespace stigmer::workflow

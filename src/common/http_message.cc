#include "common/http_message.h"

#include "absl/strings/match.h"

namespace stigmer {

std::string HttpRequest::Header(absl::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) return value;
  }
  return "";
}

}  // namespace stigmer

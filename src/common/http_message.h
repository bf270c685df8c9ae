#ifndef STIGMER_COMMON_HTTP_MESSAGE_H_
#define STIGMER_COMMON_HTTP_MESSAGE_H_

// An HTTP request and answer as our endpoints see them, without any server (HttpServer serves
// them), so that the endpoints are unit-tested and fuzzed alone.

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace stigmer {

struct HttpRequest {
  std::string method;                                        // "POST", "OPTIONS", …
  std::string path;                                          // "/events", "/<token>/decode", …
  std::vector<std::pair<std::string, std::string>> headers;  // every header, as sent
  std::string body;
  bool body_too_large = false;  // more than the server's max_body_bytes was sent (and not kept)

  // The first value of the header `name` (compared without case), "" when absent.
  std::string Header(absl::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

}  // namespace stigmer

#endif  // STIGMER_COMMON_HTTP_MESSAGE_H_

#ifndef STIGMER_ACTIVITIES_HTTP_TRANSFER_H_
#define STIGMER_ACTIVITIES_HTTP_TRANSFER_H_

// One HTTP exchange with libcurl, on the calling thread: what the DSL's `call: http` activity and
// agent-runner's model calls share. Redirects are followed (at most 10, http and https only);
// proxies come from the usual environment variables; curl adds neither a form content type nor
// "Expect: 100-continue".

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace stigmer::activities {

struct HttpTransferRequest {
  std::string method;  // upper case
  std::string url;
  // Sent in order; an empty value is sent as an empty header.
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<std::string> body;
  size_t max_response_bytes = 1 << 20;
  absl::Duration timeout = absl::Minutes(5);
  std::string user_agent = "stigmer";
};

struct HttpTransferResponse {
  long status = 0;
  std::string url;  // after redirects
  // Of the last response, names in lower case, in order; repeated names appear repeatedly.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Performs the exchange. `keep_going` is asked a few times a second; false aborts it.
// Errors: Cancelled (aborted), ResourceExhausted (the body is over max_response_bytes),
// DeadlineExceeded (no complete response within the timeout), Unavailable (curl's reason:
// refused, resolved nowhere, TLS, …), Internal (libcurl could not start). Any status code is a
// response, not an error.
absl::StatusOr<HttpTransferResponse> PerformHttpTransfer(const HttpTransferRequest& request,
                                                         const std::function<bool()>& keep_going);

// The value of the first header named `name` (lower case), or "".
std::string HeaderValue(const HttpTransferResponse& response, const std::string& name);

}  // namespace stigmer::activities

#endif  // STIGMER_ACTIVITIES_HTTP_TRANSFER_H_

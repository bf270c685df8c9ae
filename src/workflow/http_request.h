#ifndef STIGMER_WORKFLOW_HTTP_REQUEST_H_
#define STIGMER_WORKFLOW_HTTP_REQUEST_H_

// The request a `call: http` task asks for, from its evaluated `with` (see http_activity.h for
// the rules). Pure: no I/O.

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "nlohmann/json.hpp"
#include "workflow/task_errors.h"

namespace stigmer::workflow {

struct HttpRequest {
  enum class Output { kContent, kResponse, kRaw };

  std::string method;                                        // upper case
  std::string url;                                           // template expanded, query appended
  std::vector<std::pair<std::string, std::string>> headers;  // in sending order
  // The Authorization header endpoint.authentication makes ("Basic …", "Bearer …"); kept out
  // of `headers` so that no output shows it.
  std::string authorization;
  std::optional<std::string> body;
  Output output = Output::kContent;
  bool redirect = false;  // also accept 3xx
};

// The request, or the configuration or expression error that `with` deserves (its instance is
// left empty). `task_input` is the task's transformed input: the URI template's variables.
std::variant<HttpRequest, WorkflowError> BuildHttpRequest(const nlohmann::json& with,
                                                          const nlohmann::json& task_input);

// RFC 3986 percent-encoding of everything but the unreserved characters.
std::string PercentEncode(const std::string& text);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_HTTP_REQUEST_H_

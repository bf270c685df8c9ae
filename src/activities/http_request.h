#ifndef STIGMER_ACTIVITIES_HTTP_REQUEST_H_
#define STIGMER_ACTIVITIES_HTTP_REQUEST_H_

// The request a `call: http` task asks for, from its evaluated `with` (see http_activity.h for
// the rules). Pure: no I/O.

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "durable/workflow_error.h"
#include "nlohmann/json.hpp"

namespace stigmer::activities {

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
std::variant<HttpRequest, durable::WorkflowError> BuildHttpRequest(
    const nlohmann::json& with, const nlohmann::json& task_input);

// RFC 3986 percent-encoding of everything but the unreserved characters.
std::string PercentEncode(const std::string& text);

// The Authorization header value ("Basic …", "Bearer …") of an evaluated `basic` or `bearer`
// policy, or the configuration error it deserves; the error never holds the policy's values.
std::variant<std::string, durable::WorkflowError> AuthorizationHeader(const nlohmann::json& policy);

// The message for every authentication scheme the http activity does not run (`scheme` e.g.
// "digest").
std::string UnsupportedAuthenticationMessage(const std::string& scheme);

}  // namespace stigmer::activities

#endif  // STIGMER_ACTIVITIES_HTTP_REQUEST_H_

#ifndef STIGMER_DURABLE_WORKFLOW_ERROR_H_
#define STIGMER_DURABLE_WORKFLOW_ERROR_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/secret_redactor.h"
#include "nlohmann/json.hpp"

namespace stigmer::durable {

// The prefix of the DSL's standard error type URIs.
inline constexpr char kErrorTypePrefix[] = "https://serverlessworkflow.io/spec/1.0.0/errors/";

// A DSL error: an RFC 7807 problem details object. `instance` is the JSON pointer of the task
// that raised it, e.g. "/do/1/fetch".
struct WorkflowError {
  std::string type;
  int status = 0;
  std::string title;
  std::string detail;
  std::string instance;

  // {type, status, instance, title?, detail?}: title and detail only when not empty.
  nlohmann::json ToJson() const;
};

// A standard error: type kErrorTypePrefix + `kind` ("configuration", "validation",
// "expression", "authentication", "authorization", "timeout", "communication", "runtime"), with
// the kind's default status (400, 400, 400, 401, 403, 408, 500, 500; 500 for another kind).
WorkflowError StandardError(const std::string& kind, std::string title, std::string detail,
                            std::string instance);

// The default status of a standard error type URI (as above); 0 when `type` is not one of the
// standard types.
int StandardErrorStatus(const std::string& type);

// True when `error` matches the `catch.errors.with` filter `filter`: every property the filter
// sets (type, status, instance, title, detail) equals the error's. A null or empty filter
// matches every error.
bool ErrorMatchesFilter(const WorkflowError& error, const nlohmann::json& filter);

// An error from its JSON form (as `raise.error` holds it once its expressions are evaluated):
// `type` a string and `status` an integer are required; `title`, `detail` and `instance`
// optional strings. InvalidArgument naming what is wrong otherwise.
absl::StatusOr<WorkflowError> ErrorFromJson(const nlohmann::json& value);

// `error` with the run's secret values redacted from its title, detail and instance.
WorkflowError RedactedError(WorkflowError error, const SecretRedactor& redactor);

}  // namespace stigmer::durable

#endif  // STIGMER_DURABLE_WORKFLOW_ERROR_H_

#ifndef STIGMER_WORKFLOW_OPENAPI_OPERATION_H_
#define STIGMER_WORKFLOW_OPENAPI_OPERATION_H_

// The HTTP request a `call: openapi` task makes, from the OpenAPI document (3.x or Swagger 2.0,
// already parsed into JSON), the operationId and the task's parameters. Pure: no I/O.

#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace stigmer::workflow {

// The `with` of an http call (http_activity.h) that performs operation `operation_id` of
// `document`, fetched from `document_uri` (relative server URLs are resolved against it).
//
// Where each parameter goes is what the operation (and its path item) declares, `$ref`s to
// #/components/parameters or #/parameters followed: `in: path` replaces {name} in the path
// (percent-encoded), `in: query` goes to the query, `in: header` to the headers, `in: cookie`
// to one Cookie header; Swagger 2 `in: body` is the body under its own name, `in: formData` a
// form. OpenAPI 3 `requestBody`: the parameter named `body` when given, else the parameters the
// operation does not declare, as one JSON object (its content type: the first of the
// requestBody's, application/json preferred).
// Base URL: OpenAPI 3 `servers[0].url` (variables from their defaults) or Swagger 2
// `schemes[0]://host/basePath`, with what is missing taken from `document_uri`.
//
// Errors: NotFound "no operation with operationId \"x\" in <uri>"; InvalidArgument naming a
// required parameter that is missing, a parameter value that is an object where a scalar is
// needed, an unresolvable $ref, or a document that is neither OpenAPI 3 nor Swagger 2.
absl::StatusOr<nlohmann::json> OpenApiHttpCall(const nlohmann::json& document,
                                               const std::string& document_uri,
                                               const std::string& operation_id,
                                               const nlohmann::json& parameters);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_OPENAPI_OPERATION_H_

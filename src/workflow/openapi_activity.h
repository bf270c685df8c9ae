#ifndef STIGMER_WORKFLOW_OPENAPI_ACTIVITY_H_
#define STIGMER_WORKFLOW_OPENAPI_ACTIVITY_H_

#include "activities/activity_control.h"
#include "nlohmann/json.hpp"

namespace stigmer::workflow {

// Runs the side effect of a `call: openapi` task (dsl-reference.md, OpenAPI Call): reads the
// OpenAPI document (3.x or Swagger 2.0, JSON or YAML) from `with.document.endpoint` — a file://
// URI or absolute path, or an http(s) URL fetched with a GET — finds `with.operationId`, places
// `with.parameters` as the operation declares (openapi_operation.h) and performs the request as
// RunHttpActivity does, with `with.authentication` (resolved: basic or bearer), `with.output`
// and `with.redirect`. The task's timeout (else `limits.http_timeout`) bounds the document's
// fetch and the call each; a document larger than `limits.max_output_bytes` is refused.
//
// `input` is {"task", "input", "with": the evaluated `with`}.
// Output and errors: those of RunHttpActivity for the call; before it, configuration (400)
// "Invalid OpenAPI call" for a document that cannot be read or parsed (naming it and the line),
// an unknown operationId, or a missing required parameter; communication (500) "OpenAPI
// document unavailable" when its server does not answer 2xx.
activities::ActivityResult RunOpenApiActivity(const nlohmann::json& input,
                                              const activities::ActivityLimits& limits,
                                              activities::ActivityControl& control);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_OPENAPI_ACTIVITY_H_

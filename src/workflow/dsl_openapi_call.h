#ifndef STIGMER_WORKFLOW_DSL_OPENAPI_CALL_H_
#define STIGMER_WORKFLOW_DSL_OPENAPI_CALL_H_

// `call: openapi` (dsl-reference.md, OpenAPI Call), run by the "openapi" activity
// (openapi_activity.h):
//
//   - findPets:
//       call: openapi
//       with:
//         document: {endpoint: 'http://127.0.0.1:8080/openapi.json'}   # or file:///…
//         operationId: findPetsByStatus
//         parameters: {status: available}
//         authentication: petstore            # optional, basic or bearer
//         output: content                      # content | response | raw
//         redirect: false

#include <string>

#include "nlohmann/json.hpp"
#include "workflow/dsl_validation_context.h"

namespace stigmer::workflow {

// Checks the `with` of a `call: openapi` task at `pointer`: document.endpoint (an http(s) URL, a
// file:// URI or an absolute path, possibly as {uri}), operationId, parameters an object or an
// expression, authentication as dsl_authentication.h checks it, output, redirect.
void ValidateOpenApiCall(ValidationContext& context, const nlohmann::ordered_json& task,
                         const std::string& pointer);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_DSL_OPENAPI_CALL_H_

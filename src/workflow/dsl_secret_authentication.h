#ifndef STIGMER_WORKFLOW_DSL_SECRET_AUTHENTICATION_H_
#define STIGMER_WORKFLOW_DSL_SECRET_AUTHENTICATION_H_

// Authentication schemes whose settings come from a secret (dsl-reference.md, Authentication:
// `basic: {use: mySecret}`, and the same for bearer, oauth2 and oidc). The secret is one of the
// run's `--secret` values; its value is a JSON object holding the scheme's settings, e.g.
// {"username": "ada", "password": "…"} for basic. Its members are taken as they are (never
// evaluated as expressions) and are checked as the scheme's inline settings are at apply.

#include <optional>
#include <string>

#include "durable/workflow_error.h"
#include "nlohmann/json.hpp"
#include "workflow/dsl_validation_context.h"

namespace stigmer::workflow {

// At apply: checks the secret-based scheme `scheme` (which holds `use`) of scheme `name` at
// `pointer`: `use` is its only member and names a secret declared in the document's
// use.secrets (so that a run without it is refused with the 403 before its first task).
void ValidateSecretBasedScheme(ValidationContext& context, const nlohmann::ordered_json& scheme,
                               const std::string& name, const std::string& pointer);

// At run: when `policy` (a call's evaluated authentication policy) is {SCHEME: {use: NAME}},
// replaces it by {SCHEME: <the members of secret NAME>} from `secrets` (the run's name → value;
// a value is JSON text or already an object). Other policies are left alone. Errors (their
// instance left empty; never quoting the secret's value):
// - authorization (403) "Missing secret" when the run was not given NAME;
// - configuration (400) "Invalid authentication" when its value is not a JSON object, holds
//   `use`, or lacks or mistypes a member the scheme needs, naming the secret and the member.
std::optional<durable::WorkflowError> UseSecretAuthentication(nlohmann::json& policy,
                                                              const nlohmann::json& secrets);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_DSL_SECRET_AUTHENTICATION_H_

#ifndef STIGMER_WORKFLOW_DSL_OAUTH2_H_
#define STIGMER_WORKFLOW_DSL_OAUTH2_H_

// The `oauth2` and `oidc` authentication schemes at apply (their tokens are requested when a
// call runs: activities/oauth2_token.h).

#include <string>

#include "nlohmann/json.hpp"
#include "workflow/dsl_validation_context.h"

namespace stigmer::workflow {

// Checks the values of scheme `name` ("oauth2" or "oidc") at `pointer`: `authority` (a string),
// `grant` client_credentials or password (others are refused, saying which run), `client`
// {id, secret, authentication client_secret_post | client_secret_basic | none}, `username` and
// `password` for the password grant, `scopes` and `audiences` lists of strings,
// `request.encoding`, and for oauth2 `endpoints` {token, revocation, introspection}; or
// {use: SECRET} (dsl_secret_authentication.h).
void ValidateOAuth2Scheme(ValidationContext& context, const nlohmann::ordered_json& scheme,
                          const std::string& name, const std::string& pointer);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_DSL_OAUTH2_H_

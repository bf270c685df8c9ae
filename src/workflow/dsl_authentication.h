#ifndef STIGMER_WORKFLOW_DSL_AUTHENTICATION_H_
#define STIGMER_WORKFLOW_DSL_AUTHENTICATION_H_

// The authentication policies of `call: http` (dsl-reference.md, Authentication) that stigmer
// runs: `basic` {username, password} and `bearer` {token}, inline in `endpoint.authentication`
// or named in `use.authentications`. Their values may be runtime expressions, such as
// `${ $secrets.TOKEN }`, or come from a secret (`basic: {use: NAME}`,
// dsl_secret_authentication.h). oauth2 and oidc: dsl_oauth2.h. digest and certificate are
// refused when the document is applied.

#include <string>

#include "nlohmann/json.hpp"
#include "workflow/dsl_validation_context.h"

namespace stigmer::workflow {

// Checks a policy at `pointer` (a use.authentications entry or an inline one): exactly one
// scheme, `basic` with string `username` and `password`, `bearer` with a string `token`,
// `oauth2` or `oidc` as dsl_oauth2.h says, or any of them as {use: SECRET}.
void ValidateAuthenticationPolicy(ValidationContext& context, const nlohmann::ordered_json& policy,
                                  const std::string& pointer);

// Checks `endpoint.authentication` at `pointer`: a policy as above, or the name of one in
// use.authentications, as a string or as {use: name}.
void ValidateEndpointAuthentication(ValidationContext& context,
                                    const nlohmann::ordered_json& authentication,
                                    const std::string& pointer);

// The policy `authentication` (an `endpoint.authentication`) stands for in `document`: itself
// when inline, else the use.authentications entry it names; nullptr when it names none.
const nlohmann::ordered_json* ResolveAuthentication(const nlohmann::ordered_json& document,
                                                    const nlohmann::ordered_json& authentication);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_DSL_AUTHENTICATION_H_

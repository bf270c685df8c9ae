#ifndef STIGMER_ACTIVITIES_OAUTH2_TOKEN_H_
#define STIGMER_ACTIVITIES_OAUTH2_TOKEN_H_

// The access token of an `oauth2` or `oidc` authentication policy (dsl-reference.md, OAUTH2
// and OpenIdConnect Authentication), requested from its authority's token endpoint when a call
// needs it and kept in memory for the run until shortly before it expires. Tokens are never
// logged, stored, or put in a message.

#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "activities/activity_control.h"
#include "nlohmann/json.hpp"

namespace stigmer::activities {

// The key of an activity request that names its run (set by the worker): tokens are cached per
// run, never shared between runs.
inline constexpr char kRunKey[] = "run";

// When `policy` (an evaluated authentication policy) is {oauth2: …} or {oidc: …}, requests a
// token and replaces `policy` by {bearer: {token}}; other schemes are left alone.
// - The token endpoint: oauth2 `authority` + `endpoints.token` (default /oauth2/token; an
//   absolute URL is used as is); oidc: `token_endpoint` of the authority's
//   /.well-known/openid-configuration.
// - Grants: client_credentials and password (username, password); others InvalidArgument.
// - client.authentication: client_secret_post (default: id and secret in the body),
//   client_secret_basic (an Authorization header), none (the id alone, if any).
// - request.encoding: application/x-www-form-urlencoded (default) or application/json;
//   scopes and audiences are sent space-separated as `scope` and `audience`.
// Cached under `run` and the policy's values until `expires_in` minus 30 s (5 minutes when the
// answer gives none). Errors: InvalidArgument (the policy is malformed), Unauthenticated naming
// the endpoint and what it answered (not 2xx, not JSON, no access_token: never the token or the
// secrets), DeadlineExceeded naming the endpoint when it did not answer within `timeout`,
// Cancelled when `keep_going` says false.
absl::Status ExchangeForBearer(nlohmann::json& policy, const std::string& run,
                               absl::Duration timeout, const std::function<bool()>& keep_going);

// ExchangeForBearer for an activity `input` (its run under kRunKey), `timeout` and `control`:
// nullopt when `policy` is ready to use, with the access token it holds now in `token` (left
// alone for other schemes); else the task's failure: authentication (401) "OAuth2 token request
// failed", timeout (408) "OAuth2 token request timed out", configuration (400) "Invalid
// authentication", or Cancelled().
std::optional<ActivityResult> UseOAuthToken(nlohmann::json& policy, const nlohmann::json& input,
                                            absl::Duration timeout, ActivityControl& control,
                                            std::string& token);

// `result` with `token` (unless empty) shown as kRedacted in its output and its error, so that a
// token a server echoes back never leaves the activity.
ActivityResult WithoutToken(ActivityResult result, const std::string& token);

}  // namespace stigmer::activities

#endif  // STIGMER_ACTIVITIES_OAUTH2_TOKEN_H_

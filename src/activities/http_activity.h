#ifndef STIGMER_ACTIVITIES_HTTP_ACTIVITY_H_
#define STIGMER_ACTIVITIES_HTTP_ACTIVITY_H_

#include "activities/activity_control.h"
#include "nlohmann/json.hpp"

namespace stigmer::activities {

// Runs the side effect of a `call: http` task with libcurl, on the calling thread, until the
// response is in, the call fails, or `control.KeepGoing()` returns false (checked from curl's
// progress callback, a few times a second; the transfer is then aborted → Cancelled()).
//
// `input` is what the interpreter builds: {"task": path, "input": the task's transformed input,
// "with": the evaluated `with`}. `with` (dsl-reference.md, HTTP Call):
// - method (required): GET, POST, PUT, DELETE, PATCH, HEAD or OPTIONS, in any case.
// - endpoint (required): a URI string, or {uri, authentication}. `authentication`, resolved
//   and evaluated by the workflow, is {basic: {username, password}} (header "Authorization:
//   Basic base64(username:password)") or {bearer: {token}} ("Authorization: Bearer token");
//   another scheme, or an Authorization header besides it, is a configuration error whose
//   message never holds the values. The header is not listed in the `response` output's request
//   headers. Only http and https. The URI is a template: each
//   `{name}` is replaced by the top-level member `name` of the task's input, percent-encoded
//   (RFC 6570 simple expansion); a missing member or null expands to "" (as the spec says); an
//   object or array raises an expression error (400).
// - headers: name → string (numbers and booleans are written as JSON; null skips the header).
// - query: name → value, appended to the URI percent-encoded; an array repeats the name per
//   element, null skips the name, an object is sent as its JSON text.
// - body: a string is sent as is (Content-Type text/plain; charset=utf-8 unless a content-type
//   header is given); any other value is sent as JSON (application/json), or as a form when
//   it is an object and the content-type header is application/x-www-form-urlencoded.
// - output: "content" (default), "response" or "raw".
// - redirect: false (default) accepts status 200–299; true also 300–399.
// Redirects are followed (at most 10); proxies come from the usual environment variables.
//
// Output (kCompleted):
// - content: the response body parsed as JSON when it is JSON (whatever its content type);
//   else the body as a string when it is valid UTF-8, else base64; an empty body is null.
// - response: {"request": {"method": "GET", "uri": <the final URL>, "headers": {<sent>}},
//   "statusCode": 200, "headers": {<name in lower case>: value, repeated ones joined with
//   ", "}, "content": <as above>}.
// - raw: the body, base64-encoded ("" when empty).
//
// Errors (kFailed; their instance is the task's path):
// - configuration (400): `with` is malformed or asks for something not supported.
// - expression (400): a URI template variable is an object or an array.
// - communication, status = the HTTP status: a status outside the accepted range; title
//   "<METHOD> <url> returned <status>", detail that plus the start of the response body.
// - communication (500): no response (connection refused, DNS, TLS, too many redirects…);
//   detail "<METHOD> <url>: <curl's message>".
// - timeout (408): no complete response within the task's `timeout`, or else
//   `limits.http_timeout`; a server that accepts and never answers ends here too.
// - runtime (500): the response body exceeds `limits.max_output_bytes` (the transfer stops).
//
// Thread-safe: calls on different threads share nothing but curl's global initialisation,
// done once.
ActivityResult RunHttpActivity(const nlohmann::json& input, const ActivityLimits& limits,
                               ActivityControl& control);

}  // namespace stigmer::activities

#endif  // STIGMER_ACTIVITIES_HTTP_ACTIVITY_H_

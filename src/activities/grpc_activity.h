#ifndef STIGMER_ACTIVITIES_GRPC_ACTIVITY_H_
#define STIGMER_ACTIVITIES_GRPC_ACTIVITY_H_

#include "activities/activity_control.h"
#include "nlohmann/json.hpp"

namespace stigmer::activities {

// Runs the side effect of a `call: grpc` task, on the calling thread: parses the task's .proto
// (proto_schema.h), sends one unary call over a plaintext HTTP/2 channel, and waits for the
// answer, the task's timeout (else `limits.http_timeout`), or `control.KeepGoing()` returning
// false (checked a few times a second; the call is then cancelled → Cancelled()).
//
// `input` is {"task": path, "input": ..., "with": the evaluated `with`} (dsl-reference.md, gRPC
// Call): proto.endpoint (a file:// URI or an absolute path, possibly as {uri}), service.name,
// service.host, service.port (default 443 as the spec's gRPC default, but the channel has no
// TLS: give the port of a plaintext server), service.authentication (resolved: basic or bearer,
// sent as the "authorization" metadata), method, arguments (JSON mapping of the request).
//
// Output: the response message as JSON, field names as in the .proto, zero values included.
//
// Errors (instance: the task's path):
//   configuration (400) "Invalid gRPC call": `with` is malformed, the proto is not a local
//     absolute path, does not parse (file:line:column), lacks the service or method, the method
//     streams, or the arguments do not fit the request message;
//   communication "<path> returned <CODE>": the server's gRPC status; the detail holds its code
//     number and message, the status is the code's usual HTTP equivalent (UNAVAILABLE 503, …);
//   timeout (408) "gRPC call timed out";
//   runtime (500) "Response too large": the response exceeds `limits.max_output_bytes`.
ActivityResult RunGrpcActivity(const nlohmann::json& input, const ActivityLimits& limits,
                               ActivityControl& control);

}  // namespace stigmer::activities

#endif  // STIGMER_ACTIVITIES_GRPC_ACTIVITY_H_

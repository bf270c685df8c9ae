#ifndef STIGMER_WORKFLOW_DSL_GRPC_CALL_H_
#define STIGMER_WORKFLOW_DSL_GRPC_CALL_H_

// `call: grpc` (dsl-reference.md, gRPC Call), run by the "grpc" activity (grpc_activity.h):
//
//   - greet:
//       call: grpc
//       with:
//         proto: {endpoint: file:///srv/protos/greeter.proto}   # local, absolute
//         service: {name: greeter.Greeter, host: 127.0.0.1, port: 50051,
//                   authentication: {bearer: {token: '${ $secrets.TOKEN }'}}}
//         method: SayHello
//         arguments: {name: '${ .user }'}

#include <string>

#include "nlohmann/json.hpp"
#include "workflow/dsl_validation_context.h"

namespace stigmer::workflow {

// Checks the `with` of a `call: grpc` task at `pointer`: proto.endpoint a local absolute
// .proto (file:// or a path; a network URI is refused: the file is read when the task runs),
// service {name, host, port?, authentication?}, method, arguments an object or an expression.
void ValidateGrpcCall(ValidationContext& context, const nlohmann::ordered_json& task,
                      const std::string& pointer);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_DSL_GRPC_CALL_H_

#ifndef STIGMER_TESTS_TESTING_GRPC_GREETER_H_
#define STIGMER_TESTS_TESTING_GRPC_GREETER_H_

#include <memory>
#include <string>

#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/server.h"

namespace stigmer::testing {

// The service GrpcGreeter serves, for tests to write where a `call: grpc` reads it.
inline constexpr char kGreeterProto[] = R"(syntax = "proto3";
package greet;

service Greeter {
  rpc SayHello (HelloRequest) returns (HelloReply);
  rpc Fail (HelloRequest) returns (HelloReply);
  rpc Hang (HelloRequest) returns (HelloReply);
  rpc Chat (stream HelloRequest) returns (stream HelloReply);
}

message HelloRequest {
  string name = 1;
  int32 repeat = 2;
}

message HelloReply {
  string message = 1;
}
)";

// A real gRPC server on 127.0.0.1 (a free port) answering greet.Greeter (or any package's Greeter,
// e.g. the spec example's GreeterApi.Greeter) without generated code:
//   SayHello {name, repeat}: {message: "Hello, <name>"}; repeat > 0: `repeat` x's instead;
//            name "whoami": the request's authorization metadata.
//   Fail:    NOT_FOUND "no greeting for <name>" (name "whoami": the authorization metadata).
//   Hang:    never answers (until the client gives up or the server stops).
// Other methods: UNIMPLEMENTED.
class GrpcGreeter {
 public:
  GrpcGreeter();  // throws std::runtime_error when it cannot listen
  ~GrpcGreeter();

  int port() const { return port_; }

 private:
  std::unique_ptr<grpc::CallbackGenericService> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace stigmer::testing

#endif  // STIGMER_TESTS_TESTING_GRPC_GREETER_H_

#ifndef STIGMER_ACTIVITIES_PROTO_SCHEMA_H_
#define STIGMER_ACTIVITIES_PROTO_SCHEMA_H_

// A `call: grpc` task's .proto file, parsed at run time (no generated code): the method it names
// and the JSON ↔ protobuf conversions of its messages.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/compiler/importer.h"
#include "google/protobuf/dynamic_message.h"
#include "nlohmann/json.hpp"

namespace stigmer::activities {

// The local path a `proto.endpoint` names: "file:///abs/x.proto", "/abs/x.proto", or a relative
// one ("file://app/x.proto", "app/x.proto") joined to `source_dir` (local_resource.h).
// InvalidArgument for a network URI (http, https, …: workflow-runner reads no proto from the
// network), or a relative path with no `source_dir` (never workflow-runner's working folder).
absl::StatusOr<std::string> ProtoFilePath(const std::string& endpoint,
                                          const std::string& source_dir = "");

// One unary method of a parsed .proto. Owns the descriptor pool its descriptors live in.
class ProtoMethod {
 public:
  // Parses `proto_path` (imports are looked for beside it, then in the system's protobuf
  // include folder for google/protobuf/*.proto) and finds `service` (its full name
  // "package.Service", or its bare name when only one service has it) and its `method`.
  // Errors:
  //   InvalidArgument "<file>:<line>:<column>: <message>" for a .proto that does not parse;
  //   NotFound naming the services (or methods) the file has, for an unknown service or method;
  //   Unimplemented for a streaming method (only unary calls are run).
  static absl::StatusOr<ProtoMethod> Load(const std::string& proto_path, const std::string& service,
                                          const std::string& method);

  ProtoMethod(ProtoMethod&&) noexcept;
  ProtoMethod& operator=(ProtoMethod&&) noexcept;
  ~ProtoMethod();

  // "/package.Service/Method", the HTTP/2 path of the call.
  std::string Path() const;

  // The request message from `arguments` (a JSON object, protobuf's JSON mapping: field names
  // as in the .proto or in lowerCamelCase), serialized. InvalidArgument naming the field.
  absl::StatusOr<std::string> EncodeRequest(const nlohmann::json& arguments) const;

  // The response bytes as JSON (field names as in the .proto, zero values included).
  // InvalidArgument when they do not parse as the method's output message.
  absl::StatusOr<nlohmann::json> DecodeResponse(const std::string& bytes) const;

 private:
  struct State;
  explicit ProtoMethod(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace stigmer::activities

#endif  // STIGMER_ACTIVITIES_PROTO_SCHEMA_H_

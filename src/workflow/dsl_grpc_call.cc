#include "workflow/dsl_grpc_call.h"

#include "activities/local_resource.h"
#include "activities/proto_schema.h"
#include "workflow/dsl_authentication.h"
#include "workflow/dsl_definitions.h"
#include "workflow/jq_expression.h"
#include "workflow/json_pointer.h"

namespace stigmer::workflow {
namespace {

using Json = nlohmann::ordered_json;

bool IsExpression(const Json& value) {
  return value.is_string() && IsRuntimeExpression(value.get_ref<const std::string&>());
}

void RequireNonEmptyString(ValidationContext& context, const Json& object,
                           const std::string& pointer, const char* key) {
  if (!context.Require(object, pointer, key)) return;
  const std::string member = JsonPointerAppend(pointer, key);
  if (context.ExpectString(object[key], member) &&
      object[key].get_ref<const std::string&>().empty())
    context.Report(member, "must not be empty");
}

void ValidateProto(ValidationContext& context, const Json& proto, const std::string& pointer) {
  std::string endpoint_pointer;
  const Json* uri = ValidateExternalResource(context, proto, pointer, &endpoint_pointer);
  if (uri == nullptr) return;
  const std::string& text = uri->get_ref<const std::string&>();
  if (activities::ClassifyLocalReference(text) == activities::LocalReference::kRelative) return;
  absl::StatusOr<std::string> path = activities::ProtoFilePath(text);
  if (!path.ok()) context.Report(endpoint_pointer, std::string(path.status().message()));
}

void ValidateService(ValidationContext& context, const Json& service, const std::string& pointer) {
  if (!context.ExpectObject(service, pointer)) return;
  context.RejectUnknownMembers(service, pointer, {"name", "host", "port", "authentication"});
  RequireNonEmptyString(context, service, pointer, "name");
  RequireNonEmptyString(context, service, pointer, "host");
  if (service.contains("port") && !IsExpression(service["port"])) {
    const Json& port = service["port"];
    if (!port.is_number_integer() || port.get<int64_t>() < 1 || port.get<int64_t>() > 65535) {
      context.Report(JsonPointerAppend(pointer, "port"), "must be a port number (1 to 65535)");
    }
  }
  if (service.contains("authentication")) {
    ValidateEndpointAuthentication(context, service["authentication"],
                                   JsonPointerAppend(pointer, "authentication"));
  }
}

}  // namespace

void ValidateGrpcCall(ValidationContext& context, const Json& task, const std::string& pointer) {
  if (!context.Require(task, pointer, "with")) return;
  const std::string with_pointer = JsonPointerAppend(pointer, "with");
  const Json& with = task["with"];
  if (!context.ExpectObject(with, with_pointer)) return;
  context.RejectUnknownMembers(with, with_pointer, {"proto", "service", "method", "arguments"});
  if (context.Require(with, with_pointer, "proto")) {
    ValidateProto(context, with["proto"], JsonPointerAppend(with_pointer, "proto"));
  }
  if (context.Require(with, with_pointer, "service")) {
    ValidateService(context, with["service"], JsonPointerAppend(with_pointer, "service"));
  }
  RequireNonEmptyString(context, with, with_pointer, "method");
  if (with.contains("arguments") && !with["arguments"].is_object() &&
      !IsExpression(with["arguments"])) {
    context.Report(JsonPointerAppend(with_pointer, "arguments"),
                   "must be an object (a mapping) or a runtime expression");
  }
}

}  // namespace stigmer::workflow

#include "workflow/dsl_mcp_call.h"

#include "absl/strings/str_cat.h"
#include "workflow/jq_expression.h"
#include "workflow/json_pointer.h"

namespace stigmer::workflow {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kMethods[] = {"tools/list",
                                    "tools/call",
                                    "prompts/list",
                                    "prompts/get",
                                    "resources/list",
                                    "resources/read",
                                    "resources/templates/list"};

bool IsExpression(const Json& value) {
  return value.is_string() && IsRuntimeExpression(value.get_ref<const std::string&>());
}

// `endpoint` (a URL or {uri}, http or https, or an expression) and `headers` (a map of
// strings). An endpoint's `authentication` is refused: the server's headers carry it.
void ValidateHttpTransport(ValidationContext& context, const Json& http,
                           const std::string& pointer) {
  if (!context.ExpectObject(http, pointer)) return;
  context.RejectUnknownMembers(http, pointer, {"endpoint", "headers"});
  if (context.Require(http, pointer, "endpoint")) {
    std::string endpoint_pointer = JsonPointerAppend(pointer, "endpoint");
    const Json* uri = &http["endpoint"];
    if (uri->is_object()) {
      if (uri->contains("authentication")) {
        context.Report(JsonPointerAppend(endpoint_pointer, "authentication"),
                       "authentication of an MCP server is not supported: send the header in "
                       "transport.http.headers (e.g. authorization: ${ \"Bearer \" + "
                       "$secrets.TOKEN })");
      }
      context.RejectUnknownMembers(*uri, endpoint_pointer, {"uri", "authentication"});
      if (!context.Require(*uri, endpoint_pointer, "uri")) return;
      endpoint_pointer = JsonPointerAppend(endpoint_pointer, "uri");
      uri = &(*uri)["uri"];
    }
    if (context.ExpectString(*uri, endpoint_pointer) && !IsExpression(*uri)) {
      const std::string& url = uri->get_ref<const std::string&>();
      if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
        context.Report(endpoint_pointer, "must be an http:// or https:// URL");
      }
    }
  }
  if (http.contains("headers") && !IsExpression(http["headers"]) &&
      context.ExpectObject(http["headers"], JsonPointerAppend(pointer, "headers"))) {
    for (const auto& [name, value] : http["headers"].items()) {
      context.ExpectString(value, JsonPointerAppend(JsonPointerAppend(pointer, "headers"), name));
    }
  }
}

void ValidateTransport(ValidationContext& context, const Json& transport,
                       const std::string& pointer) {
  if (!context.ExpectObject(transport, pointer)) return;
  context.RejectUnknownMembers(transport, pointer, {"stdio", "http"});
  if (transport.contains("http") && transport.contains("stdio")) {
    context.Report(pointer, "give either `http` or `stdio`, not both");
    return;
  }
  if (transport.contains("http")) {
    ValidateHttpTransport(context, transport["http"], JsonPointerAppend(pointer, "http"));
    return;
  }
  if (!context.Require(transport, pointer, "stdio")) return;
  const std::string stdio_pointer = JsonPointerAppend(pointer, "stdio");
  const Json& stdio = transport["stdio"];
  if (!context.ExpectObject(stdio, stdio_pointer)) return;
  context.RejectUnknownMembers(stdio, stdio_pointer, {"command", "arguments", "environment"});
  if (context.Require(stdio, stdio_pointer, "command")) {
    const std::string command_pointer = JsonPointerAppend(stdio_pointer, "command");
    if (context.ExpectString(stdio["command"], command_pointer) &&
        stdio["command"].get_ref<const std::string&>().empty()) {
      context.Report(command_pointer, "must not be empty");
    }
  }
  if (stdio.contains("arguments") && !stdio["arguments"].is_array() &&
      !IsExpression(stdio["arguments"])) {
    context.Report(JsonPointerAppend(stdio_pointer, "arguments"), "must be a list");
  }
  if (stdio.contains("environment") && !IsExpression(stdio["environment"])) {
    context.ExpectObject(stdio["environment"], JsonPointerAppend(stdio_pointer, "environment"));
  }
}

}  // namespace

void ValidateMcpCall(ValidationContext& context, const Json& task, const std::string& pointer) {
  if (!context.Require(task, pointer, "with")) return;
  const std::string with_pointer = JsonPointerAppend(pointer, "with");
  const Json& with = task["with"];
  if (!context.ExpectObject(with, with_pointer)) return;
  context.RejectUnknownMembers(
      with, with_pointer,
      {"protocolVersion", "method", "parameters", "timeout", "transport", "client"});
  if (context.Require(with, with_pointer, "method")) {
    const std::string method_pointer = JsonPointerAppend(with_pointer, "method");
    if (context.ExpectString(with["method"], method_pointer)) {
      bool known = false;
      for (const char* method : kMethods) known = known || with["method"] == method;
      if (!known) {
        context.Report(method_pointer,
                       absl::StrCat("unknown MCP method \"", with["method"].get<std::string>(),
                                    "\" (expected tools/list, tools/call, prompts/list, "
                                    "prompts/get, resources/list, resources/read or "
                                    "resources/templates/list)"));
      }
    }
  }
  if (with.contains("parameters") && !with["parameters"].is_object() &&
      !IsExpression(with["parameters"])) {
    context.Report(JsonPointerAppend(with_pointer, "parameters"),
                   "must be an object (a mapping) or a runtime expression");
  }
  if (with.contains("timeout")) {
    context.CheckDuration(with["timeout"], JsonPointerAppend(with_pointer, "timeout"));
  }
  if (with.contains("protocolVersion")) {
    context.ExpectString(with["protocolVersion"],
                         JsonPointerAppend(with_pointer, "protocolVersion"));
  }
  if (with.contains("client")) {
    context.ExpectObject(with["client"], JsonPointerAppend(with_pointer, "client"));
  }
  if (context.Require(with, with_pointer, "transport")) {
    ValidateTransport(context, with["transport"], JsonPointerAppend(with_pointer, "transport"));
  }
}

}  // namespace stigmer::workflow

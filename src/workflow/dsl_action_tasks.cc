#include "workflow/dsl_action_tasks.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "workflow/dsl_agent_call.h"
#include "workflow/dsl_authentication.h"
#include "workflow/dsl_definitions.h"
#include "workflow/dsl_functions.h"
#include "workflow/dsl_grpc_call.h"
#include "workflow/dsl_mcp_call.h"
#include "workflow/dsl_openapi_call.h"
#include "workflow/dsl_run_processes.h"
#include "workflow/dsl_run_workflow.h"
#include "workflow/jq_expression.h"
#include "workflow/json_pointer.h"

namespace stigmer::workflow {
namespace {

using Json = nlohmann::ordered_json;

bool IsExpressionString(const Json& value) {
  return value.is_string() && IsRuntimeExpression(value.get_ref<const std::string&>());
}

void ValidateHttpMethod(ValidationContext& context, const Json& method,
                        const std::string& pointer) {
  if (!context.ExpectString(method, pointer) || IsExpressionString(method)) return;
  std::string upper = absl::AsciiStrToUpper(method.get_ref<const std::string&>());
  for (const char* known : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}) {
    if (upper == known) return;
  }
  context.Report(pointer,
                 absl::StrCat("unknown HTTP method \"", method.get_ref<const std::string&>(),
                              "\" (expected get, post, put, patch, delete, head or options)"));
}

void ValidateEndpoint(ValidationContext& context, const Json& endpoint,
                      const std::string& pointer) {
  if (endpoint.is_string()) {
    if (endpoint.get_ref<const std::string&>().empty())
      context.Report(pointer, "must not be empty");
    return;
  }
  if (!endpoint.is_object()) {
    context.Report(pointer, "must be a URI (template) or an object with \"uri\"");
    return;
  }
  context.RejectUnknownMembers(endpoint, pointer, {"uri", "authentication"});
  if (context.Require(endpoint, pointer, "uri")) {
    std::string uri_pointer = JsonPointerAppend(pointer, "uri");
    if (context.ExpectString(endpoint["uri"], uri_pointer) &&
        endpoint["uri"].get_ref<const std::string&>().empty()) {
      context.Report(uri_pointer, "must not be empty");
    }
  }
  if (endpoint.contains("authentication")) {
    ValidateEndpointAuthentication(context, endpoint["authentication"],
                                   JsonPointerAppend(pointer, "authentication"));
  }
}

void ValidateHttpCall(ValidationContext& context, const Json& task, const std::string& pointer) {
  if (!context.Require(task, pointer, "with")) return;
  std::string with_pointer = JsonPointerAppend(pointer, "with");
  const Json& with = task["with"];
  if (!context.ExpectObject(with, with_pointer)) return;
  context.RejectUnknownMembers(
      with, with_pointer, {"method", "endpoint", "headers", "body", "query", "output", "redirect"});
  if (context.Require(with, with_pointer, "method")) {
    ValidateHttpMethod(context, with["method"], JsonPointerAppend(with_pointer, "method"));
  }
  if (context.Require(with, with_pointer, "endpoint")) {
    ValidateEndpoint(context, with["endpoint"], JsonPointerAppend(with_pointer, "endpoint"));
  }
  for (const char* key : {"headers", "query"}) {
    if (with.contains(key) && !with[key].is_object() && !IsExpressionString(with[key])) {
      context.Report(JsonPointerAppend(with_pointer, key),
                     "must be an object (a mapping) or a runtime expression");
    }
  }
  if (with.contains("output")) {
    const Json& output = with["output"];
    if (!output.is_string() || (output != "content" && output != "response" && output != "raw")) {
      context.Report(JsonPointerAppend(with_pointer, "output"), "must be content, response or raw");
    }
  }
  if (with.contains("redirect")) {
    context.ExpectBoolean(with["redirect"], JsonPointerAppend(with_pointer, "redirect"));
  }
}

void ValidateShell(ValidationContext& context, const Json& shell, const std::string& pointer) {
  if (!context.ExpectObject(shell, pointer)) return;
  context.RejectUnknownMembers(shell, pointer, {"command", "arguments", "environment", "stdin"});
  if (context.Require(shell, pointer, "command")) {
    std::string command_pointer = JsonPointerAppend(pointer, "command");
    if (context.ExpectString(shell["command"], command_pointer) &&
        shell["command"].get_ref<const std::string&>().empty()) {
      context.Report(command_pointer, "must not be empty");
    }
  }
  if (shell.contains("arguments") && !shell["arguments"].is_object() &&
      !shell["arguments"].is_array()) {
    context.Report(JsonPointerAppend(pointer, "arguments"), "must be a list or an object");
  }
  if (shell.contains("environment")) {
    context.ExpectObject(shell["environment"], JsonPointerAppend(pointer, "environment"));
  }
  if (shell.contains("stdin")) {
    context.ExpectString(shell["stdin"], JsonPointerAppend(pointer, "stdin"));
  }
}

}  // namespace

void ValidateCallTask(ValidationContext& context, const Json& task, const TaskPlace& place) {
  std::string call_pointer = JsonPointerAppend(place.pointer, "call");
  const Json& call = task["call"];
  if (!context.ExpectString(call, call_pointer)) return;
  const std::string& kind = call.get_ref<const std::string&>();
  if (kind == "http") {
    ValidateHttpCall(context, task, place.pointer);
    return;
  }
  if (kind == "agent") {
    ValidateAgentCall(context, task, place.pointer);
    return;
  }
  if (kind == "grpc") {
    ValidateGrpcCall(context, task, place.pointer);
    return;
  }
  if (kind == "openapi") {
    ValidateOpenApiCall(context, task, place.pointer);
    return;
  }
  if (kind == "mcp") {
    ValidateMcpCall(context, task, place.pointer);
    return;
  }
  if (kind == "asyncapi") {
    context.Report(call_pointer,
                   "\"call: asyncapi\" is not supported: it publishes to and subscribes on a "
                   "message broker (Kafka, MQTT, AMQP...) and stigmer runs none on this machine; "
                   "call an HTTP endpoint with `call: http` instead");
    return;
  }
  for (const char* unsupported : {"a2a"}) {
    if (kind == unsupported) {
      context.Report(call_pointer,
                     absl::StrCat("\"call: ", kind, "\" is not supported by stigmer yet"));
      return;
    }
  }
  ValidateFunctionCall(context, task, place.pointer);
}

void ValidateRaiseTask(ValidationContext& context, const Json& task, const TaskPlace& place) {
  std::string raise_pointer = JsonPointerAppend(place.pointer, "raise");
  const Json& raise = task["raise"];
  if (!context.ExpectObject(raise, raise_pointer)) return;
  context.RejectUnknownMembers(raise, raise_pointer, {"error"});
  if (!context.Require(raise, raise_pointer, "error")) return;
  std::string error_pointer = JsonPointerAppend(raise_pointer, "error");
  const Json& error = raise["error"];
  if (error.is_string()) {
    const std::string& name = error.get_ref<const std::string&>();
    if (!UseDefines(context.document(), "errors", name)) {
      context.Report(error_pointer,
                     absl::StrCat("error \"", name, "\" is not defined in use.errors"));
    }
    return;
  }
  ValidateErrorDefinition(context, error, error_pointer);
}

void ValidateRunTask(ValidationContext& context, const Json& task, const TaskPlace& place) {
  std::string run_pointer = JsonPointerAppend(place.pointer, "run");
  const Json& run = task["run"];
  if (!context.ExpectObject(run, run_pointer)) return;
  context.RejectUnknownMembers(run, run_pointer,
                               {"shell", "container", "script", "workflow", "await", "return"});
  int processes = 0;
  for (const char* key : {"shell", "container", "script", "workflow"}) {
    if (run.contains(key)) ++processes;
  }
  if (processes != 1) {
    context.Report(run_pointer,
                   processes == 0 ? "run needs one of shell, container, script and workflow"
                                  : "run takes only one of shell, container, script and workflow");
    return;
  }
  if (run.contains("workflow")) return ValidateWorkflowRun(context, run, run_pointer);
  if (run.contains("script")) {
    ValidateScriptProcess(context, run["script"], JsonPointerAppend(run_pointer, "script"));
  } else if (run.contains("container")) {
    ValidateContainerProcess(context, run["container"],
                             JsonPointerAppend(run_pointer, "container"));
  } else {
    ValidateShell(context, run["shell"], JsonPointerAppend(run_pointer, "shell"));
  }
  if (run.contains("await")) {
    context.ExpectBoolean(run["await"], JsonPointerAppend(run_pointer, "await"));
  }
  if (run.contains("return")) {
    const Json& result = run["return"];
    if (!result.is_string() || (result != "stdout" && result != "stderr" && result != "code" &&
                                result != "all" && result != "none")) {
      context.Report(JsonPointerAppend(run_pointer, "return"),
                     "must be stdout, stderr, code, all or none");
    }
  }
}

void ValidateSetTask(ValidationContext& context, const Json& task, const TaskPlace& place) {
  std::string set_pointer = JsonPointerAppend(place.pointer, "set");
  const Json& set = task["set"];
  if (set.is_string() && IsRuntimeExpression(set.get_ref<const std::string&>())) return;
  if (!set.is_object()) {
    context.Report(set_pointer, "must be an object (a mapping) or a runtime expression");
  } else if (set.empty()) {
    context.Report(set_pointer, "must set at least one value");
  }
}

void ValidateWaitTask(ValidationContext& context, const Json& task, const TaskPlace& place) {
  context.CheckDuration(task["wait"], JsonPointerAppend(place.pointer, "wait"));
}

}  // namespace stigmer::workflow

#include "workflow/dsl_run_processes.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "activities/local_resource.h"
#include "workflow/jq_expression.h"
#include "workflow/json_pointer.h"

namespace stigmer::workflow {
namespace {

using Json = nlohmann::ordered_json;

bool IsExpressionString(const Json& value) {
  return value.is_string() && IsRuntimeExpression(value.get_ref<const std::string&>());
}

void ExpectMap(ValidationContext& context, const Json& parent, const char* key,
               const std::string& pointer) {
  if (parent.contains(key) && !IsExpressionString(parent[key])) {
    context.ExpectObject(parent[key], JsonPointerAppend(pointer, key));
  }
}

void ValidateSource(ValidationContext& context, const Json& source, const std::string& pointer) {
  if (!context.ExpectObject(source, pointer)) return;
  context.RejectUnknownMembers(source, pointer, {"name", "endpoint"});
  if (!context.Require(source, pointer, "endpoint")) return;
  const std::string endpoint_pointer = JsonPointerAppend(pointer, "endpoint");
  const Json& endpoint = source["endpoint"];
  const Json* uri = &endpoint;
  std::string uri_pointer = endpoint_pointer;
  if (endpoint.is_object()) {
    if (!context.Require(endpoint, endpoint_pointer, "uri")) return;
    uri = &endpoint["uri"];
    uri_pointer = JsonPointerAppend(endpoint_pointer, "uri");
  }
  if (!context.ExpectString(*uri, uri_pointer) || IsExpressionString(*uri)) return;
  const std::string& text = uri->get_ref<const std::string&>();
  if (activities::ClassifyLocalReference(text) != activities::LocalReference::kNotLocal) return;
  context.Report(uri_pointer,
                 absl::StrCat("\"", text,
                              "\" is not a local file: stigmer reaches no network while it runs a "
                              "workflow; give file:///its/path or put the script in `code`"));
}

}  // namespace

void ValidateScriptProcess(ValidationContext& context, const Json& script,
                           const std::string& pointer) {
  if (!context.ExpectObject(script, pointer)) return;
  context.RejectUnknownMembers(script, pointer,
                               {"language", "code", "source", "arguments", "environment", "stdin"});
  if (context.Require(script, pointer, "language")) {
    const Json& language = script["language"];
    const std::string language_pointer = JsonPointerAppend(pointer, "language");
    if (language != "js" && language != "javascript" && language != "python") {
      context.Report(language_pointer, "must be js, javascript or python");
    }
  }
  const bool has_code = script.contains("code");
  const bool has_source = script.contains("source");
  if (has_code == has_source) {
    context.Report(pointer, "a script needs exactly one of code and source");
  }
  if (has_code) {
    const std::string code_pointer = JsonPointerAppend(pointer, "code");
    context.ExpectString(script["code"], code_pointer);
    context.MarkChecked(code_pointer);
  }
  if (has_source) ValidateSource(context, script["source"], JsonPointerAppend(pointer, "source"));
  if (script.contains("arguments") && !script["arguments"].is_array() &&
      !script["arguments"].is_object() && !IsExpressionString(script["arguments"])) {
    context.Report(JsonPointerAppend(pointer, "arguments"), "must be a list or an object");
  }
  ExpectMap(context, script, "environment", pointer);
}

void ValidateContainerProcess(ValidationContext& context, const Json& container,
                              const std::string& pointer) {
  if (!context.ExpectObject(container, pointer)) return;
  context.RejectUnknownMembers(container, pointer,
                               {"image", "name", "command", "ports", "volumes", "environment",
                                "stdin", "arguments", "lifetime", "pullPolicy"});
  if (context.Require(container, pointer, "image")) {
    const std::string image_pointer = JsonPointerAppend(pointer, "image");
    if (context.ExpectString(container["image"], image_pointer) &&
        container["image"].get_ref<const std::string&>().empty()) {
      context.Report(image_pointer, "must not be empty");
    }
  }
  for (const char* key : {"name", "command"}) {
    if (container.contains(key)) {
      context.ExpectString(container[key], JsonPointerAppend(pointer, key));
    }
  }
  for (const char* key : {"ports", "volumes", "environment"}) {
    ExpectMap(context, container, key, pointer);
  }
  if (container.contains("arguments") && !container["arguments"].is_array() &&
      !IsExpressionString(container["arguments"])) {
    context.Report(JsonPointerAppend(pointer, "arguments"), "must be a list");
  }
  if (container.contains("pullPolicy")) {
    const Json& policy = container["pullPolicy"];
    if (policy != "ifNotPresent" && policy != "always" && policy != "never") {
      context.Report(JsonPointerAppend(pointer, "pullPolicy"),
                     "must be ifNotPresent, always or never");
    }
  }
  if (container.contains("lifetime")) {
    const std::string lifetime_pointer = JsonPointerAppend(pointer, "lifetime");
    const Json& lifetime = container["lifetime"];
    if (!context.ExpectObject(lifetime, lifetime_pointer)) return;
    context.RejectUnknownMembers(lifetime, lifetime_pointer, {"cleanup", "after"});
    if (context.Require(lifetime, lifetime_pointer, "cleanup")) {
      const Json& cleanup = lifetime["cleanup"];
      if (cleanup != "always" && cleanup != "never" && cleanup != "eventually") {
        context.Report(JsonPointerAppend(lifetime_pointer, "cleanup"),
                       "must be always, never or eventually");
      } else if (cleanup == "eventually" && !lifetime.contains("after")) {
        context.Report(lifetime_pointer, "cleanup: eventually needs `after` (a duration)");
      }
    }
    if (lifetime.contains("after")) {
      context.CheckDuration(lifetime["after"], JsonPointerAppend(lifetime_pointer, "after"));
    }
  }
}

}  // namespace stigmer::workflow

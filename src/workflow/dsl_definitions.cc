#include "workflow/dsl_definitions.h"

#include "absl/strings/str_cat.h"
#include "workflow/jq_expression.h"
#include "workflow/json_pointer.h"
#include "workflow/json_schema.h"

namespace stigmer::workflow {
namespace {

using Json = nlohmann::ordered_json;

void ValidateBackoff(ValidationContext& context, const Json& backoff, const std::string& pointer) {
  if (!context.ExpectObject(backoff, pointer)) return;
  context.RejectUnknownMembers(backoff, pointer, {"constant", "exponential", "linear"});
  if (backoff.size() != 1) {
    context.Report(pointer, "backoff needs exactly one of constant, exponential and linear");
    return;
  }
  context.ExpectObject(backoff.begin().value(), JsonPointerAppend(pointer, backoff.begin().key()));
}

void ValidateRetryLimit(ValidationContext& context, const Json& limit, const std::string& pointer) {
  if (!context.ExpectObject(limit, pointer)) return;
  context.RejectUnknownMembers(limit, pointer, {"attempt", "duration"});
  if (limit.contains("duration")) {
    context.CheckDuration(limit["duration"], JsonPointerAppend(pointer, "duration"));
  }
  if (!limit.contains("attempt")) return;
  std::string attempt_pointer = JsonPointerAppend(pointer, "attempt");
  const Json& attempt = limit["attempt"];
  if (!context.ExpectObject(attempt, attempt_pointer)) return;
  context.RejectUnknownMembers(attempt, attempt_pointer, {"count", "duration"});
  if (attempt.contains("count")) {
    const Json& count = attempt["count"];
    if (!count.is_number_integer() || (!count.is_number_unsigned() && count.get<int64_t>() < 0)) {
      context.Report(JsonPointerAppend(attempt_pointer, "count"), "must be a non-negative integer");
    }
  }
  if (attempt.contains("duration")) {
    context.CheckDuration(attempt["duration"], JsonPointerAppend(attempt_pointer, "duration"));
  }
}

}  // namespace

bool UseDefines(const Json& document, const char* section, const std::string& name) {
  if (!document.is_object() || !document.contains("use")) return false;
  const Json& use = document["use"];
  if (!use.is_object() || !use.contains(section)) return false;
  const Json& definitions = use[section];
  return definitions.is_object() && definitions.contains(name);
}

void ValidateErrorDefinition(ValidationContext& context, const Json& error,
                             const std::string& pointer) {
  if (!context.ExpectObject(error, pointer)) return;
  context.RejectUnknownMembers(error, pointer, {"type", "status", "title", "detail", "instance"});
  if (context.Require(error, pointer, "type")) {
    const Json& type = error["type"];
    if (!type.is_string() || type.get_ref<const std::string&>().empty()) {
      context.Report(JsonPointerAppend(pointer, "type"), "must be a non-empty string (a URI)");
    }
  }
  if (context.Require(error, pointer, "status")) {
    const Json& status = error["status"];
    bool expression =
        status.is_string() && IsRuntimeExpression(status.get_ref<const std::string&>());
    if (!status.is_number_integer() && !expression) {
      context.Report(JsonPointerAppend(pointer, "status"),
                     "must be an integer (an HTTP status code, like 400)");
    }
  }
  for (const char* key : {"title", "detail", "instance"}) {
    if (error.contains(key)) context.ExpectString(error[key], JsonPointerAppend(pointer, key));
  }
}

void ValidateRetryPolicy(ValidationContext& context, const Json& policy, const std::string& pointer,
                         const ExpressionScope& scope) {
  if (!context.ExpectObject(policy, pointer)) return;
  context.RejectUnknownMembers(policy, pointer,
                               {"when", "exceptWhen", "delay", "backoff", "limit", "jitter"});
  for (const char* key : {"when", "exceptWhen"}) {
    if (policy.contains(key)) {
      context.CheckExpressionField(policy[key], JsonPointerAppend(pointer, key), scope);
    }
  }
  if (policy.contains("delay")) {
    context.CheckDuration(policy["delay"], JsonPointerAppend(pointer, "delay"));
  }
  if (policy.contains("backoff")) {
    ValidateBackoff(context, policy["backoff"], JsonPointerAppend(pointer, "backoff"));
  }
  if (policy.contains("limit")) {
    ValidateRetryLimit(context, policy["limit"], JsonPointerAppend(pointer, "limit"));
  }
  if (policy.contains("jitter")) {
    std::string jitter_pointer = JsonPointerAppend(pointer, "jitter");
    const Json& jitter = policy["jitter"];
    if (context.ExpectObject(jitter, jitter_pointer)) {
      context.RejectUnknownMembers(jitter, jitter_pointer, {"from", "to"});
      for (const char* key : {"from", "to"}) {
        if (context.Require(jitter, jitter_pointer, key)) {
          context.CheckDuration(jitter[key], JsonPointerAppend(jitter_pointer, key));
        }
      }
    }
  }
}

void ValidateTimeout(ValidationContext& context, const Json& timeout, const std::string& pointer) {
  if (timeout.is_string()) {
    const std::string& name = timeout.get_ref<const std::string&>();
    if (!UseDefines(context.document(), "timeouts", name)) {
      context.Report(pointer,
                     absl::StrCat("timeout \"", name, "\" is not defined in use.timeouts"));
    }
    return;
  }
  if (!timeout.is_object()) {
    context.Report(pointer, "must be an object with \"after\" or the name of a use.timeouts entry");
    return;
  }
  context.RejectUnknownMembers(timeout, pointer, {"after"});
  if (context.Require(timeout, pointer, "after")) {
    context.CheckDuration(timeout["after"], JsonPointerAppend(pointer, "after"));
  }
}

const Json* ValidateExternalResource(ValidationContext& context, const Json& resource,
                                     const std::string& pointer, std::string* uri_pointer) {
  if (!context.ExpectObject(resource, pointer)) return nullptr;
  context.RejectUnknownMembers(resource, pointer, {"name", "endpoint"});
  if (!context.Require(resource, pointer, "endpoint")) return nullptr;
  *uri_pointer = JsonPointerAppend(pointer, "endpoint");
  const Json* uri = &resource["endpoint"];
  if (uri->is_object()) {
    context.RejectUnknownMembers(*uri, *uri_pointer, {"uri"});
    if (!context.Require(*uri, *uri_pointer, "uri")) return nullptr;
    *uri_pointer = JsonPointerAppend(*uri_pointer, "uri");
    uri = &(*uri)["uri"];
  }
  if (!context.ExpectString(*uri, *uri_pointer)) return nullptr;
  return IsRuntimeExpression(uri->get_ref<const std::string&>()) ? nullptr : uri;
}

void ValidateSchemaDefinition(ValidationContext& context, const Json& schema,
                              const std::string& pointer) {
  if (!context.ExpectObject(schema, pointer)) return;
  context.RejectUnknownMembers(schema, pointer, {"format", "document", "resource"});
  if (schema.contains("format")) {
    const Json& format = schema["format"];
    const std::string format_pointer = JsonPointerAppend(pointer, "format");
    if (context.ExpectString(format, format_pointer) && format != "json" &&
        format.get<std::string>().rfind("json:", 0) != 0) {
      context.Report(format_pointer, absl::StrCat("schema format \"", format.get<std::string>(),
                                                  "\" is not supported: use json (JSON Schema)"));
    }
  }
  if (schema.contains("resource")) {
    context.Report(JsonPointerAppend(pointer, "resource"),
                   "schemas are not fetched at run time: put the schema under `document`");
    return;
  }
  if (!context.Require(schema, pointer, "document")) return;
  const std::string document_pointer = JsonPointerAppend(pointer, "document");
  if (!schema["document"].is_object()) {
    context.Report(document_pointer, "must be a JSON Schema (an object)");
    return;
  }
  if (absl::Status usable = CheckJsonSchema(nlohmann::json(schema["document"])); !usable.ok()) {
    context.Report(document_pointer, std::string(usable.message()));
  }
}

void ValidateDataFilter(ValidationContext& context, const Json& filter, const std::string& pointer,
                        const char* filter_key, const ExpressionScope& scope) {
  if (!context.ExpectObject(filter, pointer)) return;
  context.RejectUnknownMembers(filter, pointer, {"schema", filter_key});
  if (filter.contains("schema")) {
    ValidateSchemaDefinition(context, filter["schema"], JsonPointerAppend(pointer, "schema"));
  }
  if (!filter.contains(filter_key)) return;
  const Json& transformation = filter[filter_key];
  std::string transformation_pointer = JsonPointerAppend(pointer, filter_key);
  if (transformation.is_string()) {
    context.CheckExpressionField(transformation, transformation_pointer, scope);
  } else if (!transformation.is_object()) {
    context.Report(transformation_pointer, "must be a runtime expression or an object");
  }
}

}  // namespace stigmer::workflow

#include "workflow/dsl_openapi_call.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "activities/local_resource.h"
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

void ValidateDocument(ValidationContext& context, const Json& document,
                      const std::string& pointer) {
  std::string endpoint_pointer;
  const Json* uri = ValidateExternalResource(context, document, pointer, &endpoint_pointer);
  if (uri == nullptr) return;
  const std::string text = absl::AsciiStrToLower(uri->get<std::string>());
  if (!absl::StartsWith(text, "http://") && !absl::StartsWith(text, "https://") &&
      activities::ClassifyLocalReference(text) == activities::LocalReference::kNotLocal) {
    context.Report(endpoint_pointer,
                   absl::StrCat("the document `", uri->get<std::string>(),
                                "` must be an http(s) URL or a file path "
                                "(file:///path/to/openapi.yaml, or relative to the applied file)"));
  }
}

}  // namespace

void ValidateOpenApiCall(ValidationContext& context, const Json& task, const std::string& pointer) {
  if (!context.Require(task, pointer, "with")) return;
  const std::string with_pointer = JsonPointerAppend(pointer, "with");
  const Json& with = task["with"];
  if (!context.ExpectObject(with, with_pointer)) return;
  context.RejectUnknownMembers(
      with, with_pointer,
      {"document", "operationId", "parameters", "authentication", "output", "redirect"});
  if (context.Require(with, with_pointer, "document")) {
    ValidateDocument(context, with["document"], JsonPointerAppend(with_pointer, "document"));
  }
  if (context.Require(with, with_pointer, "operationId")) {
    context.ExpectString(with["operationId"], JsonPointerAppend(with_pointer, "operationId"));
  }
  if (with.contains("parameters") && !with["parameters"].is_object() &&
      !IsExpression(with["parameters"])) {
    context.Report(JsonPointerAppend(with_pointer, "parameters"),
                   "must be an object (a mapping) or a runtime expression");
  }
  if (with.contains("authentication")) {
    ValidateEndpointAuthentication(context, with["authentication"],
                                   JsonPointerAppend(with_pointer, "authentication"));
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

}  // namespace stigmer::workflow

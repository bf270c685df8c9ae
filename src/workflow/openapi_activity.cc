#include "workflow/openapi_activity.h"

#include <string>
#include <utility>
#include <variant>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "activities/activity_text.h"
#include "activities/http_activity.h"
#include "activities/http_transfer.h"
#include "activities/local_resource.h"
#include "common/file_io.h"
#include "workflow/openapi_operation.h"
#include "workflow/yaml_to_json.h"

namespace stigmer::workflow {
namespace {

using json = nlohmann::json;
using activities::ActivityResult;

ActivityResult Invalid(std::string detail, const json& input) {
  return ActivityResult::Failure(durable::StandardError("configuration", "Invalid OpenAPI call",
                                                        std::move(detail),
                                                        activities::ActivityTaskPath(input)));
}

const json* Member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto found = object.find(key);
  return found == object.end() || found->is_null() ? nullptr : &*found;
}

// The document's text, or the failure the task raises.
std::variant<std::string, ActivityResult> Fetch(const std::string& uri, const json& input,
                                                const activities::ActivityLimits& limits,
                                                activities::ActivityControl& control) {
  const std::string lower = absl::AsciiStrToLower(uri);
  if (absl::StartsWith(lower, "http://") || absl::StartsWith(lower, "https://")) {
    absl::StatusOr<activities::HttpTransferResponse> response = activities::PerformHttpTransfer(
        {.method = "GET",
         .url = uri,
         .headers = {{"Accept", "application/json, application/yaml, */*"}},
         .max_response_bytes = limits.max_output_bytes,
         .timeout = activities::ActivityTimeout(input, limits.http_timeout),
         .user_agent = "stigmer-workflow-runner"},
        [&control] { return control.KeepGoing(); });
    if (absl::IsCancelled(response.status())) return ActivityResult::Cancelled();
    if (!response.ok() || response->status < 200 || response->status > 299) {
      return ActivityResult::Failure(durable::StandardError(
          "communication", "OpenAPI document unavailable",
          activities::ToValidUtf8(absl::StrCat("GET ", uri, ": ",
                                               response.ok()
                                                   ? absl::StrCat("status ", response->status)
                                                   : std::string(response.status().message()))),
          activities::ActivityTaskPath(input)));
    }
    return std::move(response->body);
  }
  if (activities::ClassifyLocalReference(uri) == activities::LocalReference::kNotLocal) {
    return Invalid(absl::StrCat("the document `", uri,
                                "` is neither an http(s) URL nor a file path "
                                "(file:///path/to/openapi.yaml)"),
                   input);
  }
  absl::StatusOr<std::string> path =
      activities::LocalResourcePath(uri, activities::SourceDirOf(input));
  if (!path.ok()) return Invalid(std::string(path.status().message()), input);
  absl::StatusOr<std::string> text = ReadFileToString(*path);
  if (!text.ok()) {
    return Invalid(absl::StrCat("cannot read the document ", *path, ": ", text.status().message()),
                   input);
  }
  if (text->size() > limits.max_output_bytes) {
    return Invalid(absl::StrCat("the document ", *path, " is larger than ", limits.max_output_bytes,
                                " bytes (the limit is set by STIGMER_MAX_OUTPUT_BYTES)"),
                   input);
  }
  return *std::move(text);
}

}  // namespace

ActivityResult RunOpenApiActivity(const json& input, const activities::ActivityLimits& limits,
                                  activities::ActivityControl& control) {
  const json* with = Member(input, "with");
  const json* document = with != nullptr ? Member(*with, "document") : nullptr;
  const json* endpoint = document != nullptr ? Member(*document, "endpoint") : nullptr;
  if (endpoint != nullptr && endpoint->is_object()) endpoint = Member(*endpoint, "uri");
  const json* operation_id = with != nullptr ? Member(*with, "operationId") : nullptr;
  if (endpoint == nullptr || !endpoint->is_string() || operation_id == nullptr ||
      !operation_id->is_string()) {
    return Invalid("`with.document.endpoint` and `with.operationId` are required strings", input);
  }
  const std::string uri = endpoint->get<std::string>();
  std::variant<std::string, ActivityResult> text = Fetch(uri, input, limits, control);
  if (auto* failure = std::get_if<ActivityResult>(&text)) return std::move(*failure);
  absl::StatusOr<nlohmann::ordered_json> parsed = YamlToJson(std::get<std::string>(text));
  if (!parsed.ok()) {
    return Invalid(
        absl::StrCat("the OpenAPI document ", uri, " does not parse: ", parsed.status().message()),
        input);
  }
  const json* parameters = Member(*with, "parameters");
  absl::StatusOr<json> call =
      OpenApiHttpCall(json::parse(parsed->dump()), uri, operation_id->get<std::string>(),
                      parameters != nullptr ? *parameters : json::object());
  if (!call.ok()) return Invalid(std::string(call.status().message()), input);
  if (const json* authentication = Member(*with, "authentication")) {
    (*call)["endpoint"]["authentication"] = *authentication;
  }
  for (const char* key : {"output", "redirect"}) {
    if (const json* value = Member(*with, key)) (*call)[key] = *value;
  }
  json http = input;
  http["input"] = json::object();  // the URI is complete: nothing left to expand
  http["with"] = *std::move(call);
  return activities::RunHttpActivity(http, limits, control);
}

}  // namespace stigmer::workflow

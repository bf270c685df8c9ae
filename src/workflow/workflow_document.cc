#include "workflow/workflow_document.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/byte_size.h"
#include "common/payload_limits.h"
#include "workflow/dsl_authentication.h"
#include "workflow/dsl_definitions.h"
#include "workflow/dsl_events.h"
#include "workflow/dsl_extensions.h"
#include "workflow/dsl_functions.h"
#include "workflow/dsl_names.h"
#include "workflow/dsl_schedule.h"
#include "workflow/dsl_task_validator.h"
#include "workflow/dsl_validation_context.h"
#include "workflow/json_pointer.h"
#include "workflow/yaml_to_json.h"

namespace stigmer::workflow {
namespace {

using Json = nlohmann::ordered_json;

constexpr char kDnsLabelRule[] =
    "must be a DNS label (lowercase letters, digits and '-', at most 63 characters)";

void ValidateDocumentSection(ValidationContext& context, const Json& root) {
  if (!context.Require(root, "", "document")) return;
  const Json& document = root["document"];
  if (!context.ExpectObject(document, "/document")) return;
  context.RejectUnknownMembers(
      document, "/document",
      {"dsl", "namespace", "name", "version", "title", "summary", "tags", "metadata"});
  for (const char* key : {"dsl", "namespace", "name", "version"}) {
    if (!context.Require(document, "/document", key)) continue;
    std::string pointer = JsonPointerAppend("/document", key);
    const Json& value = document[key];
    if (!value.is_string()) {
      context.Report(pointer, std::string(key) == "version" || std::string(key) == "dsl"
                                  ? "must be a string (quote it in YAML, like '1.0.0')"
                                  : "must be a string");
      continue;
    }
    const std::string& text = value.get_ref<const std::string&>();
    if (std::string(key) == "dsl" && !IsSupportedDslVersion(text)) {
      context.Report(pointer, absl::StrCat("unsupported DSL version \"", text,
                                           "\"; stigmer supports ", kSupportedDslVersions));
    } else if ((std::string(key) == "name" || std::string(key) == "namespace") &&
               !IsDnsLabel(text)) {
      context.Report(pointer, absl::StrCat(key, " ", kDnsLabelRule));
    } else if (std::string(key) == "version" && !IsSemanticVersion(text)) {
      context.Report(
          pointer,
          absl::StrCat("version must be a semantic version (like 1.0.0), not \"", text, "\""));
    }
  }
  for (const char* key : {"title", "summary"}) {
    if (document.contains(key)) {
      context.ExpectString(document[key], JsonPointerAppend("/document", key));
    }
  }
  for (const char* key : {"tags", "metadata"}) {
    if (document.contains(key)) {
      context.ExpectObject(document[key], JsonPointerAppend("/document", key));
    }
  }
}

void ValidateUseSection(ValidationContext& context, const Json& use) {
  if (!context.ExpectObject(use, "/use")) return;
  context.RejectUnknownMembers(use, "/use",
                               {"authentications", "catalogs", "errors", "extensions", "functions",
                                "retries", "secrets", "timeouts"});
  ValidateFunctionsAndCatalogs(context, use);
  if (use.contains("extensions")) ValidateExtensions(context, use["extensions"]);
  for (const char* key : {"authentications", "functions", "errors", "retries", "timeouts"}) {
    if (use.contains(key)) context.ExpectObject(use[key], JsonPointerAppend("/use", key));
  }
  if (use.contains("authentications") && use["authentications"].is_object()) {
    for (const auto& [name, policy] : use["authentications"].items()) {
      ValidateAuthenticationPolicy(context, policy,
                                   JsonPointerAppend("/use/authentications", name));
    }
  }
  if (use.contains("errors") && use["errors"].is_object()) {
    for (const auto& [name, error] : use["errors"].items()) {
      ValidateErrorDefinition(context, error, JsonPointerAppend("/use/errors", name));
    }
  }
  if (use.contains("retries") && use["retries"].is_object()) {
    for (const auto& [name, policy] : use["retries"].items()) {
      ValidateRetryPolicy(context, policy, JsonPointerAppend("/use/retries", name),
                          ExpressionScope{"error"});
    }
  }
  if (use.contains("timeouts") && use["timeouts"].is_object()) {
    for (const auto& [name, timeout] : use["timeouts"].items()) {
      if (timeout.is_string()) {
        context.Report(JsonPointerAppend("/use/timeouts", name),
                       "must be an object with \"after\"");
      } else {
        ValidateTimeout(context, timeout, JsonPointerAppend("/use/timeouts", name));
      }
    }
  }
  if (use.contains("secrets")) {
    const Json& secrets = use["secrets"];
    if (!secrets.is_array()) {
      context.Report("/use/secrets", "must be a list of secret names");
    } else {
      for (size_t i = 0; i < secrets.size(); ++i) {
        context.ExpectString(secrets[i], JsonPointerAppend("/use/secrets", i));
      }
    }
  }
}

void ValidateEvaluateSection(ValidationContext& context, const Json& evaluate) {
  if (!context.ExpectObject(evaluate, "/evaluate")) return;
  context.RejectUnknownMembers(evaluate, "/evaluate", {"language", "mode"});
  if (evaluate.contains("language") && evaluate["language"] != "jq") {
    context.Report("/evaluate/language", "stigmer evaluates runtime expressions with jq only");
  }
  if (evaluate.contains("mode") && evaluate["mode"] != "strict") {
    context.Report("/evaluate/mode", "only the strict evaluation mode is supported by stigmer");
  }
}

}  // namespace

std::vector<ValidationProblem> ValidateWorkflowJson(const Json& root) {
  ValidationContext context(root);
  if (!root.is_object()) {
    context.Report("", "the document must be a mapping (an object) with document and do");
    return context.TakeProblems();
  }
  context.RejectUnknownMembers(
      root, "", {"document", "input", "use", "do", "timeout", "output", "schedule", "evaluate"});
  ValidateDocumentSection(context, root);
  if (root.contains("schedule")) ValidateSchedule(context, root["schedule"]);
  if (root.contains("evaluate")) ValidateEvaluateSection(context, root["evaluate"]);
  if (root.contains("use")) ValidateUseSection(context, root["use"]);
  const ExpressionScope root_scope;
  if (root.contains("input")) {
    ValidateDataFilter(context, root["input"], "/input", "from", root_scope);
  }
  if (root.contains("timeout")) ValidateTimeout(context, root["timeout"], "/timeout");
  if (context.Require(root, "", "do")) ValidateTaskList(context, root["do"], "/do", root_scope);
  if (root.contains("output")) {
    ValidateDataFilter(context, root["output"], "/output", "as", root_scope);
  }
  context.CheckEmbeddedExpressions(root, "", root_scope);
  return context.TakeProblems();
}

std::string FormatValidationProblem(const ValidationProblem& problem) {
  return absl::StrCat(problem.pointer.empty() ? "/" : problem.pointer, ": ", problem.message);
}

absl::StatusOr<WorkflowDocument> ParseWorkflowDocument(absl::string_view text) {
  if (text.size() > kMaxWorkflowDocumentBytes) {
    return absl::InvalidArgumentError("the document is larger than 4 MiB");
  }
  absl::StatusOr<Json> json = YamlToJson(text);
  if (!json.ok()) return json.status();
  std::vector<ValidationProblem> problems = ValidateWorkflowJson(*json);
  if (!problems.empty()) {
    std::vector<std::string> lines;
    lines.reserve(problems.size());
    for (const ValidationProblem& problem : problems) {
      lines.push_back(FormatValidationProblem(problem));
    }
    return absl::InvalidArgumentError(absl::StrJoin(lines, "\n"));
  }
  // The document travels to workflow-runner as one JSON payload of the run's start request.
  if (const size_t bytes = json->dump().size(); bytes > kMaxPayloadsBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the workflow document is ", HumanBytes(bytes),
                     " as JSON; the most Temporal accepts in one payload is ",
                     HumanBytes(kMaxPayloadsBytes), ": split it into smaller workflows"));
  }
  WorkflowDocument document;
  const Json& section = json->at("document");
  document.dsl = section["dsl"].get<std::string>();
  document.namespace_ = section["namespace"].get<std::string>();
  document.name = section["name"].get<std::string>();
  document.version = section["version"].get<std::string>();
  document.json = *std::move(json);
  return document;
}

}  // namespace stigmer::workflow

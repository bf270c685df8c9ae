#include "workflow/dsl_functions.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "activities/local_resource.h"
#include "workflow/dsl_task_validator.h"
#include "workflow/json_pointer.h"

namespace stigmer::workflow {
namespace {

using Json = nlohmann::ordered_json;

const Json* UseSection(const Json& document, const char* section) {
  if (!document.is_object()) return nullptr;
  auto use = document.find("use");
  if (use == document.end() || !use->is_object()) return nullptr;
  auto found = use->find(section);
  return found == use->end() || !found->is_object() ? nullptr : &*found;
}

std::string NotLocal(const std::string& what, const std::string& uri) {
  return absl::StrCat(what, " \"", uri,
                      "\" is not a file:// URI: stigmer reaches no network while it runs a "
                      "workflow; copy it to this machine and give file:///its/path");
}

}  // namespace

FunctionLocation LocateFunction(const Json& document, const std::string& call) {
  FunctionLocation location;
  if (const Json* functions = UseSection(document, "functions")) {
    if (auto found = functions->find(call); found != functions->end()) {
      location.definition = &*found;
      return location;
    }
  }
  if (absl::StrContains(call, "://")) {
    if (absl::StartsWith(call, "file://") &&
        activities::ClassifyLocalReference(call) != activities::LocalReference::kNotLocal) {
      location.uri = call;
    } else {
      location.error = NotLocal("the function", call);
    }
    return location;
  }
  const size_t at = call.rfind('@');
  if (at == std::string::npos) return location;  // a built-in call type, or unknown
  const std::string reference = call.substr(0, at);
  const std::string catalog = call.substr(at + 1);
  const Json* catalogs = UseSection(document, "catalogs");
  if (catalogs == nullptr || !catalogs->contains(catalog)) {
    location.error = absl::StrCat("no catalog named \"", catalog, "\" in use.catalogs");
    return location;
  }
  const Json& definition = (*catalogs)[catalog];
  std::string root = definition.is_object() && definition.contains("endpoint")
                         ? activities::EndpointUri(definition["endpoint"])
                         : "";
  if (activities::ClassifyLocalReference(root) == activities::LocalReference::kNotLocal) {
    location.error = NotLocal(absl::StrCat("catalog \"", catalog, "\""), root);
    return location;
  }
  const size_t colon = reference.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == reference.size()) {
    location.error =
        absl::StrCat("\"", call, "\" must name a version: <function>:<version>@", catalog);
    return location;
  }
  while (absl::EndsWith(root, "/")) root.pop_back();
  location.uri = absl::StrCat(root, "/functions/", reference.substr(0, colon), "/",
                              reference.substr(colon + 1), "/function.yaml");
  return location;
}

void ValidateFunctionCall(ValidationContext& context, const Json& task,
                          const std::string& pointer) {
  const std::string call_pointer = JsonPointerAppend(pointer, "call");
  const std::string& call = task["call"].get_ref<const std::string&>();
  const FunctionLocation location = LocateFunction(context.document(), call);
  if (!location.error.empty()) {
    context.Report(call_pointer, location.error);
  } else if (location.definition == nullptr && location.uri.empty()) {
    context.Report(call_pointer, absl::StrCat("unknown call type \"", call, "\""));
  }
  if (task.contains("with") && !task["with"].is_object() && !task["with"].is_string()) {
    context.Report(JsonPointerAppend(pointer, "with"),
                   "must be an object (the function's arguments) or a runtime expression");
  }
}

void ValidateFunctionsAndCatalogs(ValidationContext& context, const Json& use) {
  static const std::vector<std::string> kNoSiblings;
  if (use.contains("functions") && use["functions"].is_object()) {
    for (const auto& [name, function] : use["functions"].items()) {
      const std::string pointer = JsonPointerAppend("/use/functions", name);
      ValidateTask(context, function, TaskPlace{pointer, {}, &kNoSiblings});
      context.MarkChecked(pointer);
    }
  }
  if (!use.contains("catalogs")) return;
  if (!context.ExpectObject(use["catalogs"], "/use/catalogs")) return;
  for (const auto& [name, catalog] : use["catalogs"].items()) {
    const std::string pointer = JsonPointerAppend("/use/catalogs", name);
    if (!context.ExpectObject(catalog, pointer)) continue;
    context.RejectUnknownMembers(catalog, pointer, {"endpoint"});
    if (!context.Require(catalog, pointer, "endpoint")) continue;
    const std::string uri = activities::EndpointUri(catalog["endpoint"]);
    if (activities::ClassifyLocalReference(uri) == activities::LocalReference::kNotLocal) {
      context.Report(JsonPointerAppend(pointer, "endpoint"),
                     NotLocal(absl::StrCat("catalog \"", name, "\""), uri));
    }
  }
}

}  // namespace stigmer::workflow

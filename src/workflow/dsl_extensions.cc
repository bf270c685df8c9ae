#include "workflow/dsl_extensions.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "workflow/dsl_task_validator.h"
#include "workflow/json_pointer.h"

namespace stigmer::workflow {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kTypes[] = {"call",  "do",  "emit", "for",    "fork", "listen",
                                  "raise", "run", "set",  "switch", "try",  "wait"};

}  // namespace

std::string ExtensionTaskType(const Json& task) {
  if (!task.is_object()) return "";
  for (const char* type : kTypes) {
    if (task.contains(type)) return std::string(type) == "do" ? "composite" : type;
  }
  return "";
}

void ValidateExtensions(ValidationContext& context, const Json& extensions) {
  const std::string pointer = "/use/extensions";
  if (!extensions.is_array()) {
    context.Report(pointer, "must be a list of {name: extension}");
    return;
  }
  std::set<std::string> names;
  for (size_t i = 0; i < extensions.size(); ++i) {
    const std::string entry_pointer = JsonPointerAppend(pointer, i);
    const Json& entry = extensions[i];
    if (!entry.is_object() || entry.size() != 1) {
      context.Report(entry_pointer, "must be one {name: extension} mapping");
      continue;
    }
    const std::string& name = entry.begin().key();
    const Json& extension = entry.begin().value();
    const std::string extension_pointer = JsonPointerAppend(entry_pointer, name);
    if (!names.insert(name).second) {
      context.Report(extension_pointer, absl::StrCat("another extension is named \"", name, "\""));
    }
    if (!context.ExpectObject(extension, extension_pointer)) continue;
    context.RejectUnknownMembers(extension, extension_pointer,
                                 {"extend", "when", "before", "after"});
    if (context.Require(extension, extension_pointer, "extend")) {
      const Json& extend = extension["extend"];
      bool known = extend == "all" || extend == "composite" || extend == "extension";
      for (const char* type : kTypes) known = known || (extend == type && extend != "do");
      if (!known) {
        context.Report(JsonPointerAppend(extension_pointer, "extend"),
                       "must be all or a task type: call, composite, emit, for, fork, listen, "
                       "raise, run, set, switch, try or wait");
      }
    }
    if (extension.contains("when")) {
      context.CheckExpressionField(extension["when"], JsonPointerAppend(extension_pointer, "when"),
                                   ExpressionScope{});
    }
    for (const char* list : {"before", "after"}) {
      if (extension.contains(list)) {
        ValidateTaskList(context, extension[list], JsonPointerAppend(extension_pointer, list),
                         ExpressionScope{});
      }
    }
  }
}

}  // namespace stigmer::workflow

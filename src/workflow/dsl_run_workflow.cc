#include "workflow/dsl_run_workflow.h"

#include "absl/strings/str_cat.h"
#include "workflow/dsl_names.h"
#include "workflow/json_pointer.h"

namespace stigmer::workflow {

using Json = nlohmann::ordered_json;

void ValidateWorkflowRun(ValidationContext& context, const Json& run,
                         const std::string& run_pointer) {
  const std::string pointer = JsonPointerAppend(run_pointer, "workflow");
  const Json& workflow = run["workflow"];
  if (!context.ExpectObject(workflow, pointer)) return;
  context.RejectUnknownMembers(workflow, pointer, {"namespace", "name", "version", "input"});
  if (run.contains("await")) {
    context.ExpectBoolean(run["await"], JsonPointerAppend(run_pointer, "await"));
  }
  const Json& document = context.document();
  const Json* section = document.contains("document") ? &document["document"] : nullptr;
  if (context.Require(workflow, pointer, "namespace")) {
    const std::string ns_pointer = JsonPointerAppend(pointer, "namespace");
    if (context.ExpectString(workflow["namespace"], ns_pointer) && section != nullptr &&
        section->is_object() && (*section)["namespace"].is_string() &&
        workflow["namespace"] != (*section)["namespace"]) {
      context.Report(
          ns_pointer,
          absl::StrCat("namespace \"", workflow["namespace"].get<std::string>(),
                       "\" is not this workflow's (\"", (*section)["namespace"].get<std::string>(),
                       "\"): stigmer runs workflows of the same namespace only"));
    }
  }
  if (context.Require(workflow, pointer, "name")) {
    const std::string name_pointer = JsonPointerAppend(pointer, "name");
    if (context.ExpectString(workflow["name"], name_pointer)) {
      const std::string& name = workflow["name"].get_ref<const std::string&>();
      if (!IsDnsLabel(name)) {
        context.Report(name_pointer,
                       "must be the name of an applied workflow, not an expression (stigmer-server "
                       "resolves it when the execution starts)");
      } else if (section != nullptr && section->is_object() && (*section)["name"] == name) {
        context.Report(name_pointer,
                       absl::StrCat("workflow \"", name,
                                    "\" runs itself: that never ends; use a `for` or `then` loop "
                                    "inside it instead"));
      }
    }
  }
  if (context.Require(workflow, pointer, "version")) {
    context.ExpectString(workflow["version"], JsonPointerAppend(pointer, "version"));
  }
}

namespace {

void Collect(const Json& value, std::set<std::pair<std::string, std::string>>& found) {
  if (value.is_object()) {
    auto run = value.find("run");
    if (run != value.end() && run->is_object()) {
      auto workflow = run->find("workflow");
      if (workflow != run->end() && workflow->is_object() &&
          workflow->value("name", Json()).is_string() &&
          workflow->value("version", Json()).is_string()) {
        found.emplace((*workflow)["name"].get<std::string>(),
                      (*workflow)["version"].get<std::string>());
      }
    }
  }
  if (value.is_structured()) {
    for (const Json& member : value) Collect(member, found);
  }
}

}  // namespace

std::set<std::pair<std::string, std::string>> RunWorkflows(const Json& document) {
  std::set<std::pair<std::string, std::string>> found;
  if (auto tasks = document.find("do"); tasks != document.end()) Collect(*tasks, found);
  return found;
}

std::string RunWorkflowKey(const std::string& name, const std::string& version) {
  return absl::StrCat(name, "@", version);
}

}  // namespace stigmer::workflow

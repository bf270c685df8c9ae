#include "workflow/dsl_flow_tasks.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "workflow/dsl_definitions.h"
#include "workflow/dsl_names.h"
#include "workflow/json_pointer.h"

namespace stigmer::workflow {
namespace {

using Json = nlohmann::ordered_json;

// The jq variable named by `object[key]` (default `fallback`), added to `scope`; a problem
// unless it is a usable name.
void BindVariable(ValidationContext& context, const Json& object, const std::string& pointer,
                  const char* key, const char* fallback, ExpressionScope& scope) {
  if (!object.contains(key)) {
    scope.push_back(fallback);
    return;
  }
  std::string name_pointer = JsonPointerAppend(pointer, key);
  const Json& name = object[key];
  if (!name.is_string() || !IsJqVariableName(name.get_ref<const std::string&>())) {
    context.Report(name_pointer,
                   "must be a variable name: letters, digits and '_', not starting with a digit");
    return;
  }
  scope.push_back(name.get<std::string>());
}

void ValidateSwitchCase(ValidationContext& context, const Json& item, const std::string& pointer,
                        const TaskPlace& place, int& default_cases) {
  if (!item.is_object() || item.size() != 1) {
    context.Report(pointer, "each switch case must be a mapping of one case name to the case");
    return;
  }
  const std::string& name = item.begin().key();
  const Json& body = item.begin().value();
  std::string case_pointer = JsonPointerAppend(pointer, name);
  if (!context.ExpectObject(body, case_pointer)) return;
  context.RejectUnknownMembers(body, case_pointer, {"when", "then"});
  if (body.contains("when")) {
    context.CheckExpressionField(body["when"], JsonPointerAppend(case_pointer, "when"),
                                 place.scope);
  } else if (++default_cases == 2) {
    context.Report(case_pointer, "a switch has at most one default case (one without \"when\")");
  }
  if (context.Require(body, case_pointer, "then")) {
    ValidateFlowDirective(context, body["then"], JsonPointerAppend(case_pointer, "then"),
                          *place.siblings);
  }
}

void ValidateCatch(ValidationContext& context, const Json& catch_clause, const std::string& pointer,
                   const ExpressionScope& outer_scope) {
  context.MarkChecked(pointer);
  if (!context.ExpectObject(catch_clause, pointer)) return;
  context.RejectUnknownMembers(catch_clause, pointer,
                               {"errors", "as", "when", "exceptWhen", "retry", "do"});
  ExpressionScope scope = outer_scope;
  BindVariable(context, catch_clause, pointer, "as", "error", scope);
  if (catch_clause.contains("errors")) {
    std::string errors_pointer = JsonPointerAppend(pointer, "errors");
    const Json& errors = catch_clause["errors"];
    if (context.ExpectObject(errors, errors_pointer)) {
      context.RejectUnknownMembers(errors, errors_pointer, {"with"});
      if (errors.contains("with")) {
        std::string with_pointer = JsonPointerAppend(errors_pointer, "with");
        const Json& with = errors["with"];
        if (context.ExpectObject(with, with_pointer)) {
          context.RejectUnknownMembers(with, with_pointer,
                                       {"type", "status", "instance", "title", "detail"});
        }
      }
    }
  }
  for (const char* key : {"when", "exceptWhen"}) {
    if (catch_clause.contains(key)) {
      context.CheckExpressionField(catch_clause[key], JsonPointerAppend(pointer, key), scope);
    }
  }
  if (catch_clause.contains("retry")) {
    std::string retry_pointer = JsonPointerAppend(pointer, "retry");
    const Json& retry = catch_clause["retry"];
    if (retry.is_string()) {
      const std::string& name = retry.get_ref<const std::string&>();
      if (!UseDefines(context.document(), "retries", name)) {
        context.Report(retry_pointer,
                       absl::StrCat("retry policy \"", name, "\" is not defined in use.retries"));
      }
    } else {
      ValidateRetryPolicy(context, retry, retry_pointer, scope);
    }
  }
  if (catch_clause.contains("do")) {
    ValidateTaskList(context, catch_clause["do"], JsonPointerAppend(pointer, "do"), scope);
  }
  // The rest of the clause (errors.with values, retry settings) may hold `${ }` strings too.
  for (const auto& [key, value] : catch_clause.items()) {
    if (key == "do") continue;
    std::string member_pointer = JsonPointerAppend(pointer, key);
    context.CheckEmbeddedExpressions(value, member_pointer, scope);
    context.MarkChecked(member_pointer);
  }
}

}  // namespace

void ValidateDoTask(ValidationContext& context, const Json& task, const TaskPlace& place) {
  ValidateTaskList(context, task["do"], JsonPointerAppend(place.pointer, "do"), place.scope);
}

void ValidateForTask(ValidationContext& context, const Json& task, const TaskPlace& place) {
  std::string for_pointer = JsonPointerAppend(place.pointer, "for");
  const Json& loop = task["for"];
  ExpressionScope scope = place.scope;
  if (context.ExpectObject(loop, for_pointer)) {
    context.RejectUnknownMembers(loop, for_pointer, {"each", "in", "at"});
    if (context.Require(loop, for_pointer, "in")) {
      context.CheckExpressionField(loop["in"], JsonPointerAppend(for_pointer, "in"), place.scope);
    }
    BindVariable(context, loop, for_pointer, "each", "item", scope);
    BindVariable(context, loop, for_pointer, "at", "index", scope);
  }
  if (task.contains("while")) {
    context.CheckExpressionField(task["while"], JsonPointerAppend(place.pointer, "while"), scope);
  }
  if (context.Require(task, place.pointer, "do")) {
    ValidateTaskList(context, task["do"], JsonPointerAppend(place.pointer, "do"), scope);
  }
}

void ValidateForkTask(ValidationContext& context, const Json& task, const TaskPlace& place) {
  std::string fork_pointer = JsonPointerAppend(place.pointer, "fork");
  const Json& fork = task["fork"];
  if (!context.ExpectObject(fork, fork_pointer)) return;
  context.RejectUnknownMembers(fork, fork_pointer, {"branches", "compete"});
  if (context.Require(fork, fork_pointer, "branches")) {
    const Json& branches = fork["branches"];
    std::string branches_pointer = JsonPointerAppend(fork_pointer, "branches");
    ValidateTaskList(context, branches, branches_pointer, place.scope);
    // A branch runs alone: it cannot go to another branch.
    for (size_t i = 0; branches.is_array() && i < branches.size(); ++i) {
      const Json& item = branches[i];
      if (!item.is_object() || item.size() != 1 || !item.begin().value().is_object()) continue;
      const Json& branch = item.begin().value();
      auto then = branch.find("then");
      // Only names of other branches: ValidateFlowDirective reports any other name.
      bool names_a_branch = false;
      for (const Json& other : branches) {
        names_a_branch |= then != branch.end() && other.is_object() && other.size() == 1 &&
                          *then == other.begin().key();
      }
      if (!names_a_branch) continue;
      context.Report(JsonPointerAppend(JsonPointerAppend(JsonPointerAppend(branches_pointer, i),
                                                         item.begin().key()),
                                       "then"),
                     absl::StrCat("a fork branch runs on its own: its \"then\" may be continue, "
                                  "exit or end, not the task \"",
                                  then->get<std::string>(), "\""));
    }
  }
  if (fork.contains("compete")) {
    context.ExpectBoolean(fork["compete"], JsonPointerAppend(fork_pointer, "compete"));
  }
}

void ValidateSwitchTask(ValidationContext& context, const Json& task, const TaskPlace& place) {
  std::string switch_pointer = JsonPointerAppend(place.pointer, "switch");
  const Json& cases = task["switch"];
  if (!cases.is_array() || cases.empty()) {
    context.Report(switch_pointer,
                   "must be a non-empty list of cases, each a mapping of one case name to "
                   "{when, then}");
    return;
  }
  int default_cases = 0;
  absl::flat_hash_set<std::string> names;
  for (size_t i = 0; i < cases.size(); ++i) {
    std::string item_pointer = JsonPointerAppend(switch_pointer, i);
    if (cases[i].is_object() && cases[i].size() == 1 &&
        !names.insert(cases[i].begin().key()).second) {
      context.Report(item_pointer,
                     absl::StrCat("duplicate case name \"", cases[i].begin().key(), "\""));
      continue;
    }
    ValidateSwitchCase(context, cases[i], item_pointer, place, default_cases);
  }
}

void ValidateTryTask(ValidationContext& context, const Json& task, const TaskPlace& place) {
  ValidateTaskList(context, task["try"], JsonPointerAppend(place.pointer, "try"), place.scope);
  if (context.Require(task, place.pointer, "catch")) {
    ValidateCatch(context, task["catch"], JsonPointerAppend(place.pointer, "catch"), place.scope);
  }
}

}  // namespace stigmer::workflow

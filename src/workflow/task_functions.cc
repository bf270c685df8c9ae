// `call: <function>`: a custom function of use.functions, of a file:// catalog, or of a
// file:// URI, run as the task it defines.

#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "workflow/dsl_functions.h"
#include "workflow/task_runner.h"
#include "workflow/yaml_to_json.h"

namespace stigmer::workflow {
namespace {

constexpr int kMaxFunctionDepth = 16;

// Only `type`, `required`, `properties` and `items`, at `at`; see ValidateAgainstSchema.
absl::Status CheckSchemaSubset(const nlohmann::json& schema, const nlohmann::json& value,
                               const std::string& at) {
  if (!schema.is_object()) return absl::OkStatus();
  const std::string where = at.empty() ? "/" : at;
  if (auto type = schema.find("type"); type != schema.end() && type->is_string()) {
    const std::string& expected = type->get_ref<const std::string&>();
    const bool matches =
        (expected == "object" && value.is_object()) || (expected == "array" && value.is_array()) ||
        (expected == "string" && value.is_string()) ||
        (expected == "integer" && value.is_number_integer()) ||
        (expected == "number" && value.is_number()) ||
        (expected == "boolean" && value.is_boolean()) || (expected == "null" && value.is_null());
    if (!matches) {
      return absl::InvalidArgumentError(
          absl::StrCat("at ", where, ": expected ", expected, ", got ", value.type_name()));
    }
  }
  if (!value.is_object() && !value.is_array()) return absl::OkStatus();
  if (auto required = schema.find("required"); required != schema.end() && value.is_object()) {
    for (const auto& name : *required) {
      if (name.is_string() && !value.contains(name.get<std::string>())) {
        return absl::InvalidArgumentError(absl::StrCat(
            "at ", where, ": missing required property \"", name.get<std::string>(), "\""));
      }
    }
  }
  if (auto properties = schema.find("properties");
      properties != schema.end() && properties->is_object() && value.is_object()) {
    for (const auto& [name, property] : properties->items()) {
      if (!value.contains(name)) continue;
      if (absl::Status status =
              CheckSchemaSubset(property, value[name], absl::StrCat(at, "/", name));
          !status.ok()) {
        return status;
      }
    }
  }
  if (auto items = schema.find("items"); items != schema.end() && value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) {
      if (absl::Status status = CheckSchemaSubset(*items, value[i], absl::StrCat(at, "/", i));
          !status.ok()) {
        return status;
      }
    }
  }
  return absl::OkStatus();
}

// A STUB with the signature of the JSON Schema checker the lead is adding (json_schema.h:
// valijson, run in the expression sandbox), to be replaced by it: it checks only a subset of
// JSON Schema. InvalidArgument "<what> do not match its input schema: at <pointer>: <why>".
absl::Status ValidateAgainstSchema(const nlohmann::json& schema, const nlohmann::json& value,
                                   std::string_view what) {
  absl::Status status = CheckSchemaSubset(schema, value, "");
  if (status.ok()) return status;
  return absl::InvalidArgumentError(
      absl::StrCat(absl::string_view(what.data(), what.size()),
                   " do not match its input schema: ", status.message()));
}

TaskOutcome FunctionError(const char* type, const char* title, std::string detail,
                          const std::string& path) {
  return TaskOutcome::Raised(durable::StandardError(type, title, std::move(detail), path));
}

}  // namespace

absl::StatusOr<TaskOutcome> TaskRunner::RunFunctionCall(const nlohmann::ordered_json& task,
                                                        const std::string& path,
                                                        const nlohmann::json& input,
                                                        const ExpressionVariables& variables) {
  const std::string name = task["call"].get<std::string>();
  const FunctionLocation location = LocateFunction(document_.json, name);
  nlohmann::ordered_json loaded;
  const nlohmann::ordered_json* definition = location.definition;
  if (definition == nullptr) {
    // Reading the file is a side effect: its text is recorded, and a replay reads it there.
    absl::StatusOr<durable::ActivityOutcome> read =
        context_.CallActivity(path, "resource", {{"task", path}, {"uri", location.uri}});
    if (!read.ok()) return read.status();
    if (read->state == durable::ActivityOutcome::State::kPending) return TaskOutcome::Suspended();
    if (read->state == durable::ActivityOutcome::State::kFailed) {
      if (read->error.instance.empty()) read->error.instance = path;
      return TaskOutcome::Raised(std::move(read->error));
    }
    absl::StatusOr<nlohmann::ordered_json> parsed =
        read->output.is_string() ? YamlToJson(read->output.get<std::string>())
                                 : absl::InvalidArgumentError("not a text file");
    if (!parsed.ok() || !parsed->is_object()) {
      return FunctionError("configuration", "Invalid function",
                           absl::StrCat(location.uri, " does not hold a function (a task): ",
                                        parsed.ok() ? "not a mapping" : parsed.status().message()),
                           path);
    }
    loaded = *std::move(parsed);
    definition = &loaded;
  }
  if (function_depth_ >= kMaxFunctionDepth) {
    return FunctionError("runtime", "Function depth limit reached",
                         absl::StrCat("function \"", name, "\" runs inside ", kMaxFunctionDepth,
                                      " other functions: do they call each other?"),
                         path);
  }

  nlohmann::json arguments = nlohmann::json::object();
  if (auto with = task.find("with"); with != task.end()) {
    absl::StatusOr<nlohmann::json> evaluated = evaluator_.EvaluateValue(*with, input, variables);
    if (!evaluated.ok()) return ExpressionFailure(evaluated.status(), path);
    arguments = *std::move(evaluated);
  }
  if (definition->contains("input") && (*definition)["input"].is_object()) {
    const nlohmann::ordered_json& schema =
        (*definition)["input"].value("schema", nlohmann::ordered_json::object());
    const nlohmann::json document = schema.value("document", nlohmann::ordered_json());
    if (absl::Status valid = ValidateAgainstSchema(
            document, arguments, absl::StrCat("the arguments of function \"", name, "\""));
        !valid.ok()) {
      return FunctionError("validation", "Invalid arguments", std::string(valid.message()), path);
    }
  }

  ExpressionVariables function_variables = WorkflowVariables();
  function_variables.task = TaskDescriptor(name, path, *definition, arguments);
  ++function_depth_;
  absl::StatusOr<TaskOutcome> outcome =
      RunStartedTask(*definition, path, arguments, function_variables, Scope{});
  --function_depth_;
  return outcome;
}

}  // namespace stigmer::workflow

// The task types with side effects: `call: http | grpc | openapi | mcp`, calls of functions and
// `run: shell | script | container | workflow`, delegated to the context.

#include <utility>

#include "absl/strings/str_cat.h"
#include "activities/activity_control.h"
#include "activities/local_resource.h"
#include "common/secret_redactor.h"
#include "workflow/dsl_authentication.h"
#include "workflow/dsl_duration.h"
#include "workflow/dsl_functions.h"
#include "workflow/dsl_secret_authentication.h"
#include "workflow/dsl_timeout.h"
#include "workflow/task_runner.h"

namespace stigmer::workflow {
namespace {

// The outcome of a task from the outcome of its side effect.
TaskOutcome FromActivity(durable::ActivityOutcome activity, const std::string& path) {
  switch (activity.state) {
    case durable::ActivityOutcome::State::kPending:
      return TaskOutcome::Suspended();
    case durable::ActivityOutcome::State::kFailed:
      if (activity.error.instance.empty()) activity.error.instance = path;
      return TaskOutcome::Raised(std::move(activity.error));
    case durable::ActivityOutcome::State::kCompleted:
      break;
  }
  return TaskOutcome::Completed(std::move(activity.output));
}

// The task's `timeout`, if any, as "timeout_ms": the activity may take no longer, attempts
// included.
void AddTimeout(const nlohmann::ordered_json& document, const nlohmann::ordered_json& task,
                nlohmann::json& request) {
  if (std::optional<absl::Duration> after = TimeoutAfter(document, task)) {
    request["timeout_ms"] = absl::ToInt64Milliseconds(*after);
  }
}

// The folder relative file references resolve against, when the workflow has one.
void AddSourceDir(const std::string& source_dir, nlohmann::json& request) {
  if (!source_dir.empty()) request[activities::kSourceDirKey] = source_dir;
}

// The run's secret values, for the activity to redact from what it logs and reports.
void AddSecretsToRedact(const nlohmann::json& secrets, nlohmann::json& request) {
  const SecretRedactor redactor = SecretRedactor::FromSecretsObject(secrets);
  if (!redactor.empty()) request[activities::kRedactKey] = redactor.values();
}

// `with.endpoint.authentication` (http), `with.service.authentication` (grpc) or
// `with.authentication` (openapi), if any.
template <typename Json>
Json* AuthenticationOf(Json& with, const std::string& kind) {
  if (!with.is_object()) return nullptr;
  if (kind == "openapi") {
    auto authentication = with.find("authentication");
    return authentication == with.end() ? nullptr : &*authentication;
  }
  auto endpoint = with.find(kind == "grpc" ? "service" : "endpoint");
  if (endpoint == with.end() || !endpoint->is_object()) return nullptr;
  auto authentication = endpoint->find("authentication");
  return authentication == endpoint->end() ? nullptr : &*authentication;
}

// `run.container.lifetime.after` when `cleanup` is eventually.
std::optional<absl::Duration> ContainerCleanupAfter(const nlohmann::ordered_json& run) {
  auto container = run.find("container");
  if (container == run.end() || !container->is_object()) return std::nullopt;
  auto lifetime = container->find("lifetime");
  if (lifetime == container->end() || !lifetime->is_object()) return std::nullopt;
  if (lifetime->value("cleanup", "") != "eventually" || !lifetime->contains("after")) {
    return std::nullopt;
  }
  absl::StatusOr<absl::Duration> after = ParseDslDuration((*lifetime)["after"]);
  return after.ok() ? std::optional<absl::Duration>(*after) : std::nullopt;
}

TaskOutcome NotSupported(const std::string& what, const std::string& path) {
  return TaskOutcome::Raised(durable::StandardError(
      "configuration", "Not supported", absl::StrCat(what, " is not supported yet"), path));
}

}  // namespace

absl::StatusOr<TaskOutcome> TaskRunner::RunCall(const nlohmann::ordered_json& task,
                                                const std::string& path,
                                                const nlohmann::json& input,
                                                const ExpressionVariables& variables) {
  const nlohmann::ordered_json& call = task["call"];
  if (call == "agent") return RunAgentCall(task, path, input, variables);
  if (call.is_string()) {
    const FunctionLocation function = LocateFunction(document_.json, call.get<std::string>());
    if (function.definition != nullptr || !function.uri.empty()) {
      return RunFunctionCall(task, path, input, variables);
    }
  }
  if (!call.is_string() ||
      (call != "http" && call != "grpc" && call != "openapi" && call != "mcp")) {
    return NotSupported(absl::StrCat("call: ", call.is_string() ? call.get<std::string>() : "?"),
                        path);
  }
  const std::string kind = call.get<std::string>();
  nlohmann::json with = nlohmann::json::object();
  if (auto arguments = task.find("with"); arguments != task.end()) {
    nlohmann::ordered_json resolved = *arguments;
    if (auto* authentication = AuthenticationOf(resolved, kind)) {
      const nlohmann::ordered_json* policy = ResolveAuthentication(document_.json, *authentication);
      if (policy == nullptr) {
        return TaskOutcome::Raised(durable::StandardError(
            "configuration", "Invalid call",
            "the call's authentication names no policy in use.authentications", path));
      }
      *authentication = *policy;
    }
    absl::StatusOr<nlohmann::json> evaluated = evaluator_.EvaluateValue(resolved, input, variables);
    if (!evaluated.ok()) return ExpressionFailure(evaluated.status(), path);
    with = *std::move(evaluated);
    // After evaluation: a secret's members are never taken for expressions.
    if (auto* authentication = AuthenticationOf(with, kind)) {
      if (std::optional<durable::WorkflowError> error =
              UseSecretAuthentication(*authentication, runtime_.secrets)) {
        error->instance = path;
        return TaskOutcome::Raised(*std::move(error));
      }
    }
  }
  nlohmann::json request = {{"task", path}, {"input", input}, {"with", std::move(with)}};
  AddTimeout(document_.json, task, request);
  AddSecretsToRedact(runtime_.secrets, request);
  if (kind == "grpc" || kind == "openapi") AddSourceDir(runtime_.source_dir, request);
  absl::StatusOr<durable::ActivityOutcome> outcome = context_.CallActivity(path, kind, request);
  if (!outcome.ok()) return outcome.status();
  return FromActivity(*std::move(outcome), path);
}

absl::StatusOr<TaskOutcome> TaskRunner::RunShell(const nlohmann::ordered_json& task,
                                                 const std::string& path,
                                                 const nlohmann::json& input,
                                                 const ExpressionVariables& variables) {
  const nlohmann::ordered_json& run = task["run"];
  if (run.is_object() && run.contains("workflow")) {
    return RunWorkflowRun(task, path, input, variables);
  }
  // The process kinds, each an activity of that name: shell, script, container.
  const char* kind = nullptr;
  for (const char* process : {"shell", "script", "container"}) {
    if (run.is_object() && run.contains(process)) kind = process;
  }
  if (kind == nullptr) return NotSupported("this `run` process", path);
  nlohmann::ordered_json definition = run[kind];
  nlohmann::json code;  // a script's code is never an expression: JS has its own `${ }`
  if (definition.is_object() && definition.contains("code")) {
    code = definition["code"];
    definition.erase("code");
  }
  absl::StatusOr<nlohmann::json> evaluated = evaluator_.EvaluateValue(definition, input, variables);
  if (!evaluated.ok()) return ExpressionFailure(evaluated.status(), path);
  if (!code.is_null() && evaluated->is_object()) (*evaluated)["code"] = std::move(code);
  nlohmann::json request = {{"task", path},
                            {"input", input},
                            {kind, *std::move(evaluated)},
                            {"return", run.value("return", "stdout")},
                            {"await", run.value("await", true)}};
  if (std::optional<absl::Duration> after = ContainerCleanupAfter(run); after) {
    request["cleanup_after_ms"] = absl::ToInt64Milliseconds(*after);
  }
  AddTimeout(document_.json, task, request);
  AddSecretsToRedact(runtime_.secrets, request);
  if (std::string(kind) == "script") AddSourceDir(runtime_.source_dir, request);
  absl::StatusOr<durable::ActivityOutcome> outcome = context_.CallActivity(path, kind, request);
  if (!outcome.ok()) return outcome.status();
  return FromActivity(*std::move(outcome), path);
}

}  // namespace stigmer::workflow

#include "activities/shell_activity.h"

#include <string>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "activities/process_run.h"

namespace stigmer::activities {
namespace {

using json = nlohmann::json;

struct ShellRequest {
  std::string command;
  ProcessIo io;
  std::string working_dir;  // empty: the worker's own
  ReturnMode mode = ReturnMode::kStdout;
  bool await = true;
};

durable::WorkflowError Configuration(std::string detail) {
  return durable::StandardError("configuration", "Invalid shell command", std::move(detail), "");
}

std::variant<ShellRequest, durable::WorkflowError> ReadRequest(const json& input) {
  if (!input.is_object()) return Configuration("the activity input must be an object");
  ShellRequest request;
  auto shell = input.find("shell");
  if (shell == input.end() || !shell->is_object()) {
    return Configuration("`run.shell` must be an object");
  }
  auto command = shell->find("command");
  if (command == shell->end() || !command->is_string() || command->get<std::string>().empty()) {
    return Configuration("`run.shell.command` is required and must be a non-empty string");
  }
  request.command = command->get<std::string>();
  if (auto error = ReadProcessIo(*shell, "run.shell", request.io)) {
    return Configuration(*std::move(error));
  }
  if (auto error = ReadReturnAndAwait(input, request.mode, request.await)) {
    return Configuration(*std::move(error));
  }
  if (auto dir = input.find("working_dir"); dir != input.end() && !dir->is_null()) {
    if (!dir->is_string()) return Configuration("`working_dir` must be a string");
    request.working_dir = dir->get<std::string>();
  }
  return request;
}

ProcessOptions Options(const ShellRequest& request) {
  ProcessOptions options;
  // `sh -c COMMAND sh ARG...`: the arguments are the command's positional parameters ($1,
  // "$@"), as the spec's run-shell example reads them.
  options.argv = {"/bin/sh", "-c", request.command};
  if (!request.io.arguments.empty()) {
    options.argv.push_back("sh");  // $0
    options.argv.insert(options.argv.end(), request.io.arguments.begin(),
                        request.io.arguments.end());
  }
  options.env = WorkerEnvironmentWith(request.io.environment);
  options.working_dir = request.working_dir;
  options.record_group = request.await;  // a detached command is meant to outlive the worker
  return options;
}

}  // namespace

ActivityResult RunShellActivity(const json& input, const ActivityLimits& limits,
                                ActivityControl& control) {
  auto read = ReadRequest(input);
  if (auto* error = std::get_if<durable::WorkflowError>(&read)) {
    error->instance = ActivityTaskPath(input);
    return ActivityResult::Failure(std::move(*error));
  }
  const ShellRequest& request = std::get<ShellRequest>(read);
  return RunProcessActivity(Options(request), request.io.stdin_text, request.mode, request.await,
                            input, limits, control);
}

}  // namespace stigmer::activities

#include "activities/container_activity.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "activities/container_command.h"
#include "activities/container_engine.h"
#include "activities/process_run.h"

namespace stigmer::activities {
namespace {

using json = nlohmann::json;

// `<engine> rm -f <name>`, waited for at most 30 s.
void RemoveContainer(const ContainerEngine& engine, const std::string& name) {
  // podman would first wait 10 s for the container to stop on SIGTERM; docker kills at once.
  std::vector<std::string> argv = {engine.path, "rm", "-f"};
  if (engine.name == "podman") argv.insert(argv.end(), {"-t", "0"});
  argv.push_back(name);
  RunHelperProcess(argv, ReturnMode::kNone, absl::Seconds(30));
}

// Removes the container `after` from now, from a process nobody waits for.
void RemoveContainerLater(const std::string& engine, const std::string& name,
                          absl::Duration after) {
  ProcessOptions options;
  options.argv = {"/bin/sh",
                  "-c",
                  "sleep \"$0\"; exec \"$1\" rm -f \"$2\"",
                  absl::StrCat(absl::ToInt64Seconds(after)),
                  engine,
                  name};
  options.env = WorkerEnvironmentWith({});
  ShellProcess::StartDetached(options, "").IgnoreError();  // best effort, like cleanup itself
}

}  // namespace

ActivityResult RunContainerActivity(const json& input, const std::string& default_name,
                                    const ActivityLimits& limits, ActivityControl& control,
                                    const EnvironmentLookup& lookup) {
  const std::string task = ActivityTaskPath(input);
  static const json kMissing;
  auto container = input.is_object() ? input.find("container") : input.end();
  const json& spec = container != input.end() ? *container : kMissing;
  ReturnMode mode = ReturnMode::kStdout;
  bool await = true;
  if (auto error = ReadReturnAndAwait(input.is_object() ? input : json::object(), mode, await)) {
    return ActivityResult::Failure(
        durable::StandardError("configuration", "Invalid container", *std::move(error), task));
  }
  absl::StatusOr<ContainerEngine> engine = FindContainerEngine(lookup);
  if (!engine.ok()) {
    return ActivityResult::Failure(durable::StandardError(
        "runtime", "No container engine", std::string(engine.status().message()), task));
  }
  const absl::Duration cleanup_after =
      absl::Milliseconds(input.is_object() ? input.value("cleanup_after_ms", int64_t{0}) : 0);
  absl::StatusOr<ContainerCommand> command =
      BuildContainerCommand(engine->path, spec, default_name, cleanup_after);
  if (!command.ok()) {
    return ActivityResult::Failure(durable::StandardError(
        "configuration", "Invalid container", std::string(command.status().message()), task));
  }
  std::string stdin_text;
  if (auto value = spec.find("stdin"); value != spec.end() && !value->is_null()) {
    stdin_text = value->is_string() ? value->get<std::string>() : value->dump();
  }
  ProcessOptions options;
  options.argv = command->argv;
  options.env = WorkerEnvironmentWith({});
  options.record_group = await;
  ActivityResult result =
      RunProcessActivity(options, stdin_text, mode, await, input, limits, control);
  const bool interrupted = result.state == ActivityResult::State::kCancelled ||
                           (!result.ok() && result.error.type.find("timeout") != std::string::npos);
  if (await && interrupted) RemoveContainer(*engine, command->name);
  if (command->remove_eventually) {
    RemoveContainerLater(engine->path, command->name, *command->remove_eventually);
  }
  return result;
}

}  // namespace stigmer::activities

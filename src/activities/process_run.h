#ifndef STIGMER_ACTIVITIES_PROCESS_RUN_H_
#define STIGMER_ACTIVITIES_PROCESS_RUN_H_

// One process run for a `run:` activity (shell, script, container): its stdin fed, its stdout
// and stderr read with poll(), its result shaped by the task's `return`. What `run: shell`
// documents in shell_activity.h holds for every process started here.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "activities/activity_control.h"
#include "activities/shell_process.h"
#include "nlohmann/json.hpp"

namespace stigmer::activities {

enum class ReturnMode { kStdout, kStderr, kCode, kAll, kNone };

// The `arguments`, `environment` and `stdin` of a process definition.
struct ProcessIo {
  std::vector<std::string> arguments;
  std::map<std::string, std::optional<std::string>> environment;  // nullopt: unset
  std::string stdin_text;
};

// Reads `arguments` (a list, or a map: sorted keys, each followed by its value unless null;
// strings as they are, other values as JSON), `environment` (name → value, null unsets) and
// `stdin` (a string as it is, another value as JSON) of `spec`. On a malformed field, the
// detail of the error, naming the field as `<field>.<member>` (e.g. "run.shell.arguments").
std::optional<std::string> ReadProcessIo(const nlohmann::json& spec, absl::string_view field,
                                         ProcessIo& io);

// Reads "return" (default stdout) and "await" (default true) of an activity's input. On a
// malformed one, the detail of the error.
std::optional<std::string> ReadReturnAndAwait(const nlohmann::json& input, ReturnMode& mode,
                                              bool& await);

// The worker's environment with `changes` applied.
std::vector<std::string> WorkerEnvironmentWith(
    const std::map<std::string, std::optional<std::string>>& changes);

// Runs `options` with `stdin_text` and returns the activity's result, as shell_activity.h
// describes it (output by `mode`, "Command failed", "Command killed", "Command timed out",
// "Output too large", "Command not started"; `await: false` starts it detached and answers the
// task's input). `input` is the activity's input (task path, timeout_ms, input).
ActivityResult RunProcessActivity(const ProcessOptions& options, const std::string& stdin_text,
                                  ReturnMode mode, bool await, const nlohmann::json& input,
                                  const ActivityLimits& limits, ActivityControl& control);

// Runs a short helper command of our own (`docker info`, `node --version`, `podman rm -f`) with
// the worker's environment to its end or `timeout`, never stopped early; its result as above.
ActivityResult RunHelperProcess(const std::vector<std::string>& argv, ReturnMode mode,
                                absl::Duration timeout);

}  // namespace stigmer::activities

#endif  // STIGMER_ACTIVITIES_PROCESS_RUN_H_

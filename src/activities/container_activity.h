#ifndef STIGMER_ACTIVITIES_CONTAINER_ACTIVITY_H_
#define STIGMER_ACTIVITIES_CONTAINER_ACTIVITY_H_

#include <string>

#include "activities/activity_control.h"
#include "common/environment.h"
#include "nlohmann/json.hpp"

namespace stigmer::activities {

// Runs the side effect of a `run: container` task on the calling thread: the engine's client
// (container_engine.h) runs the container (container_command.h) in the foreground, as a process
// exactly like `run: shell` (stdin, output by `return`, `await`, timeout, cancellation, output
// limit, the same errors). When the task is cancelled or times out, the container is removed
// (`<engine> rm -f <name>`); `lifetime.cleanup: eventually` removes it `after` later.
//
// `input`: {"task", "input", "container": the evaluated `run.container`, "return", "await",
// "timeout_ms"?, "cleanup_after_ms"?}. The container's name defaults to `default_name`.
//
// Errors besides the shell's (kFailed, instance = the task's path):
// - runtime (500) "No container engine": neither docker nor podman works here, saying what was
//   tried and what to install or start.
// - configuration (400) "Invalid container": `container` malformed.
ActivityResult RunContainerActivity(const nlohmann::json& input, const std::string& default_name,
                                    const ActivityLimits& limits, ActivityControl& control,
                                    const EnvironmentLookup& lookup);

}  // namespace stigmer::activities

#endif  // STIGMER_ACTIVITIES_CONTAINER_ACTIVITY_H_

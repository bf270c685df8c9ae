#ifndef STIGMER_ACTIVITIES_PROCESS_CAPABILITIES_H_
#define STIGMER_ACTIVITIES_PROCESS_CAPABILITIES_H_

// What this machine offers `run: script` and `run: container`, for `stigmer server status
// --json`.

#include "common/environment.h"
#include "nlohmann/json.hpp"

namespace stigmer::activities {

// {"node": C, "python3": C, "container_engine": C}, where C is {"found": true, "path",
// "version"} (plus "name": docker|podman for the engine) or {"found": false, "detail": what to
// install or set}. Looks programs up as the activities do (script_interpreter.h,
// container_engine.h) in `lookup`, and runs each one found with --version.
nlohmann::json ProcessCapabilities(const EnvironmentLookup& lookup);

}  // namespace stigmer::activities

#endif  // STIGMER_ACTIVITIES_PROCESS_CAPABILITIES_H_

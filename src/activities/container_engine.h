#ifndef STIGMER_ACTIVITIES_CONTAINER_ENGINE_H_
#define STIGMER_ACTIVITIES_CONTAINER_ENGINE_H_

// Which container engine runs `run: container` tasks on this machine.

#include <string>

#include "absl/status/statusor.h"
#include "common/environment.h"

namespace stigmer::activities {

struct ContainerEngine {
  std::string name;  // "docker" or "podman"
  std::string path;  // its client
};

// The first of docker and podman, looked up on `lookup`'s PATH, whose `<client> info` exits 0
// within 20 s (a client without a running engine fails there). FailedPrecondition when none
// works, saying what was found and tried and what to install or start.
absl::StatusOr<ContainerEngine> FindContainerEngine(const EnvironmentLookup& lookup);

}  // namespace stigmer::activities

#endif  // STIGMER_ACTIVITIES_CONTAINER_ENGINE_H_

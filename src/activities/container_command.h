#ifndef STIGMER_ACTIVITIES_CONTAINER_COMMAND_H_
#define STIGMER_ACTIVITIES_CONTAINER_COMMAND_H_

// The command line that runs a `run: container` task through a container engine's client
// (docker or podman: both take the same `run` flags used here).

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace stigmer::activities {

struct ContainerCommand {
  std::vector<std::string> argv;                    // <engine> run ...
  std::string name;                                 // the container's name
  bool remove_after = false;                        // lifetime.cleanup: always (and --rm is passed)
  std::optional<absl::Duration> remove_eventually;  // lifetime.cleanup: eventually, after
};

// `<engine> run -i --name <name> [--rm] [--pull always|missing|never] [-p host:container]...
// [-v host:container]... [-e NAME=value]... <image> [/bin/sh -c <command> sh] [arguments...]`
// from the evaluated `run.container` (dsl-reference.md, Container Process): `command` runs in the
// image's /bin/sh with `arguments` as $1, $2...; without it `arguments` replace the image's CMD.
// `name` defaults to `default_name`. pullPolicy: ifNotPresent (default) → missing, always,
// never. lifetime.cleanup: always → --rm; eventually → remove_eventually = `cleanup_after`
// (lifetime.after, parsed by the caller). InvalidArgument naming the field when one is malformed.
absl::StatusOr<ContainerCommand> BuildContainerCommand(const std::string& engine,
                                                       const nlohmann::json& container,
                                                       const std::string& default_name,
                                                       absl::Duration cleanup_after);

// `text` with every character outside [A-Za-z0-9_.-] replaced by '-', as a container name
// must be (at most 128 characters, starting with a letter or digit).
std::string ContainerNameFrom(const std::string& text);

}  // namespace stigmer::activities

#endif  // STIGMER_ACTIVITIES_CONTAINER_COMMAND_H_

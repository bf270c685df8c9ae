#ifndef STIGMER_TESTS_TESTING_LOCAL_CONTAINER_IMAGE_H_
#define STIGMER_TESTS_TESTING_LOCAL_CONTAINER_IMAGE_H_

// A container image for tests, imported into podman from a busybox root filesystem made
// locally (nothing is pulled), with podman's configuration and image store in a folder of the
// test's own.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace stigmer::testing {

inline constexpr char kLocalImage[] = "localhost/stigmer-box:1";

// Prepares `folder` (containers.conf, storage.conf, registries.conf, the image kLocalImage) and
// returns the environment podman needs to use it (CONTAINERS_CONF, CONTAINERS_STORAGE_CONF,
// CONTAINERS_REGISTRIES_CONF). No registry is reachable with it: docker.io is mapped to a closed
// loopback port, so a pull fails fast and nothing comes from the internet.
// FailedPrecondition saying why when podman or busybox is missing or cannot run a container
// here.
absl::StatusOr<std::map<std::string, std::string>> PrepareLocalContainerImage(
    const std::filesystem::path& folder);

// Imports the same busybox root filesystem again as the image `name` with the default command
// `cmd` (none when empty), into the storage PrepareLocalContainerImage made in `folder` (`env`
// is what it returned). A stand-in for a public image: "docker.io/library/hello-world:latest"
// is what `image: hello-world` resolves to, so a run finds it without pulling.
absl::Status ImportLocalImageAs(const std::filesystem::path& folder,
                                const std::map<std::string, std::string>& env,
                                const std::string& name, const std::vector<std::string>& cmd);
}  // namespace stigmer::testing

#endif  // STIGMER_TESTS_TESTING_LOCAL_CONTAINER_IMAGE_H_

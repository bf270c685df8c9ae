#ifndef STIGMER_TESTS_TESTING_LOCAL_CONTAINER_IMAGE_H_
#define STIGMER_TESTS_TESTING_LOCAL_CONTAINER_IMAGE_H_

// A container image for tests, imported into podman from a busybox root filesystem made
// locally (nothing is pulled), with podman's configuration and image store in a folder of the
// test's own.

#include <filesystem>
#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace stigmer::testing {

inline constexpr char kLocalImage[] = "localhost/stigmer-box:1";

// Prepares `folder` (containers.conf, storage.conf, the image kLocalImage) and returns the
// environment podman needs to use it (CONTAINERS_CONF, CONTAINERS_STORAGE_CONF).
// FailedPrecondition saying why when podman or busybox is missing or cannot run a container
// here.
absl::StatusOr<std::map<std::string, std::string>> PrepareLocalContainerImage(
    const std::filesystem::path& folder);

}  // namespace stigmer::testing

#endif  // STIGMER_TESTS_TESTING_LOCAL_CONTAINER_IMAGE_H_

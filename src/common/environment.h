#ifndef STIGMER_COMMON_ENVIRONMENT_H_
#define STIGMER_COMMON_ENVIRONMENT_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace stigmer {

// Looks up an environment variable; nullopt when unset. Passed in, rather than read from the
// process, so that tests can supply their own environment.
using EnvironmentLookup = std::function<std::optional<std::string>(absl::string_view name)>;

// The process's own environment (getenv).
EnvironmentLookup ProcessEnvironment();

}  // namespace stigmer

#endif  // STIGMER_COMMON_ENVIRONMENT_H_

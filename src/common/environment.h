#ifndef STIGMER_COMMON_ENVIRONMENT_H_
#define STIGMER_COMMON_ENVIRONMENT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace stigmer {

// Looks up an environment variable; nullopt when unset. Passed in, rather than read from the
// process, so that tests can supply their own environment.
using EnvironmentLookup = std::function<std::optional<std::string>(absl::string_view name)>;

// The process's own environment (getenv).
EnvironmentLookup ProcessEnvironment();

// Sets `*value` from variable `name` when it is set and not empty: a whole number from 1 to
// `max`. InvalidArgument `NAME must be a number from 1 to MAX, not "x"` otherwise, leaving
// `*value` as it was.
absl::Status ReadPositiveSetting(const EnvironmentLookup& lookup, absl::string_view name,
                                 int64_t max, int64_t* value);

}  // namespace stigmer

#endif  // STIGMER_COMMON_ENVIRONMENT_H_

#ifndef STIGMER_CONFIG_TEMPORAL_BINARY_H_
#define STIGMER_CONFIG_TEMPORAL_BINARY_H_

#include <string>

#include "absl/status/statusor.h"
#include "config/config.h"

namespace stigmer::config {

// Finds the Temporal CLI: temporal.binary (or STIGMER_TEMPORAL_BIN), then
// $STIGMER_HOME/bin/temporal, then `temporal` on `search_path` (a PATH-style list).
// NotFound names every place searched and how to install it.
absl::StatusOr<std::string> FindTemporalBinary(const Config& config,
                                               const std::string& search_path);

}  // namespace stigmer::config

#endif  // STIGMER_CONFIG_TEMPORAL_BINARY_H_

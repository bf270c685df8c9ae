#ifndef STIGMER_DAEMON_STATE_FILE_H_
#define STIGMER_DAEMON_STATE_FILE_H_

#include <filesystem>

#include "absl/status/statusor.h"
#include "stigmer/daemon/v1/state.pb.h"

namespace stigmer::daemon {

// Writes state.json atomically (a reader never sees half a file), mode 0600.
absl::Status WriteStateFile(const std::filesystem::path& path,
                            const stigmer::daemon::v1::SavedState& state);

// Reads state.json. NotFound if there is none; InvalidArgument if it is not a saved state.
absl::StatusOr<stigmer::daemon::v1::SavedState> ReadStateFile(const std::filesystem::path& path);

}  // namespace stigmer::daemon

#endif  // STIGMER_DAEMON_STATE_FILE_H_

#ifndef STIGMER_COMMON_ERRNO_STATUS_H_
#define STIGMER_COMMON_ERRNO_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace stigmer {

// The one place where an errno value becomes a Status: "<context>: <strerror>", with a code
// chosen from the errno (ENOENT → NotFound, EACCES/EPERM → PermissionDenied, EEXIST →
// AlreadyExists, EAGAIN/EWOULDBLOCK → Unavailable, ENOSPC → ResourceExhausted, else Internal).
absl::Status ErrnoToStatus(absl::string_view context, int error_number);

}  // namespace stigmer

#endif  // STIGMER_COMMON_ERRNO_STATUS_H_

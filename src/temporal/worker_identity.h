#ifndef STIGMER_TEMPORAL_WORKER_IDENTITY_H_
#define STIGMER_TEMPORAL_WORKER_IDENTITY_H_

#include <string>

#include "absl/strings/string_view.h"

namespace stigmer::temporal {

// "<pid>@<hostname>", the form Temporal's SDKs use; Temporal shows it in DescribeTaskQueue.
std::string FormatWorkerIdentity(long pid, absl::string_view hostname);

// This machine's hostname, "unknown" if it cannot be read.
std::string HostnameOrUnknown();

// FormatWorkerIdentity for this process and this machine ("unknown" if the hostname cannot be
// read).
std::string DefaultWorkerIdentity();

}  // namespace stigmer::temporal

#endif  // STIGMER_TEMPORAL_WORKER_IDENTITY_H_

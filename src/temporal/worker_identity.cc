#include "temporal/worker_identity.h"

#include <limits.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"

namespace stigmer::temporal {

std::string FormatWorkerIdentity(long pid, absl::string_view hostname) {
  return absl::StrCat(pid, "@", hostname);
}

std::string HostnameOrUnknown() {
  char hostname[HOST_NAME_MAX + 1] = {};
  if (::gethostname(hostname, sizeof hostname - 1) != 0 || hostname[0] == '\0') return "unknown";
  return hostname;
}

std::string DefaultWorkerIdentity() {
  return FormatWorkerIdentity(::getpid(), HostnameOrUnknown());
}

}  // namespace stigmer::temporal

#ifndef STIGMER_SUPERVISOR_PORT_PREFLIGHT_H_
#define STIGMER_SUPERVISOR_PORT_PREFLIGHT_H_

#include "absl/status/status.h"

namespace stigmer::supervisor {

// Checks that TCP `port` can be bound on 127.0.0.1 (with SO_REUSEADDR, as servers do).
// OK if free. Otherwise FailedPrecondition naming the holder:
//   "port 7234 is in use by pid 4711 (python3 -m http.server 7234)"
// found through the socket inodes of /proc/net/tcp{,6} and /proc/*/fd; when the holder cannot
// be identified (another user's process, a namespace), "… in use by another program".
// Other socket errors: the errno status. Thread-safe.
absl::Status CheckPortFree(int port);

}  // namespace stigmer::supervisor

#endif  // STIGMER_SUPERVISOR_PORT_PREFLIGHT_H_

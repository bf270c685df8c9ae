#ifndef STIGMER_DAEMON_SD_NOTIFY_H_
#define STIGMER_DAEMON_SD_NOTIFY_H_

#include "absl/strings/string_view.h"

namespace stigmer::daemon {

// Sends `message` ("READY=1", "STOPPING=1") to the service manager named by NOTIFY_SOCKET, as
// systemd's sd_notify does. Does nothing when NOTIFY_SOCKET is unset; failures are ignored, as
// a service manager that stopped listening must not stop the daemon.
void NotifyServiceManager(absl::string_view message);

}  // namespace stigmer::daemon

#endif  // STIGMER_DAEMON_SD_NOTIFY_H_

#ifndef STIGMER_DAEMON_COMPONENT_STATUS_PROTO_H_
#define STIGMER_DAEMON_COMPONENT_STATUS_PROTO_H_

#include <string>

#include "stigmer/daemon/v1/control.pb.h"
#include "supervisor/component_spec.h"

namespace stigmer::daemon {

// The supervisor's view of a component as the control API reports it.
stigmer::daemon::v1::ComponentStatus ToProto(const supervisor::ComponentStatus& status,
                                             const std::string& endpoint);

}  // namespace stigmer::daemon

#endif  // STIGMER_DAEMON_COMPONENT_STATUS_PROTO_H_

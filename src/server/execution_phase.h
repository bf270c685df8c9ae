#ifndef STIGMER_SERVER_EXECUTION_PHASE_H_
#define STIGMER_SERVER_EXECUTION_PHASE_H_

#include <array>

#include "stigmer/v1/execution.pb.h"

namespace stigmer::server {

// The phases of an execution that may still change.
inline constexpr std::array<stigmer::v1::ExecutionPhase, 3> kOpenPhases = {
    stigmer::v1::EXECUTION_PHASE_PENDING, stigmer::v1::EXECUTION_PHASE_RUNNING,
    stigmer::v1::EXECUTION_PHASE_WAITING_APPROVAL};

// COMPLETED, FAILED and CANCELLED: the execution will not change any more.
inline bool IsTerminalPhase(stigmer::v1::ExecutionPhase phase) {
  return phase == stigmer::v1::EXECUTION_PHASE_COMPLETED ||
         phase == stigmer::v1::EXECUTION_PHASE_FAILED ||
         phase == stigmer::v1::EXECUTION_PHASE_CANCELLED;
}

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_EXECUTION_PHASE_H_

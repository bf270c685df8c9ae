#ifndef STIGMER_DURABLE_CONTINUE_AS_NEW_H_
#define STIGMER_DURABLE_CONTINUE_AS_NEW_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "durable/replay_context.h"
#include "durable/replay_history.h"

namespace stigmer::durable {

// Keeps a long run's history short: the run goes on as a new run of the same workflow
// (ContinueAsNewWorkflowExecution) whose input carries the steps recorded so far (see
// kCarriedStepsPayload), so that replaying it gives the same results without their events.
//
// Only at a safe point: the run must be waiting on nothing but steps it asks for in this very
// workflow task (their commands are not sent; the new run asks for them again), so no
// activity or timer is left behind. None when that does not hold, or when the carried steps
// would take more than `max_carried_bytes` of JSON (the history then keeps growing until the
// history guard stops it).
std::optional<Command> ContinueAsNew(const ReplayHistory& history, const ReplayContext& context,
                                     const std::string& task_queue, size_t max_carried_bytes);

// ContinueAsNewWorkflowExecution of the run `history` holds, afresh: the same workflow type,
// on `task_queue`, with `input` as its payloads (nothing carried).
Command ContinueAsNewWith(const ReplayHistory& history, const std::string& task_queue,
                          const std::vector<nlohmann::json>& input);

}  // namespace stigmer::durable

#endif  // STIGMER_DURABLE_CONTINUE_AS_NEW_H_

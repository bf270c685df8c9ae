#ifndef STIGMER_DURABLE_COMMAND_BUDGET_H_
#define STIGMER_DURABLE_COMMAND_BUDGET_H_

#include <cstddef>
#include <vector>

#include "durable/replay_context.h"

namespace stigmer::durable {

// Temporal records what one workflow task completion sends in one transaction and refuses one
// beyond 4 MiB, events included ("Transaction size exceeds limit"), which then ends the run
// without our error. Commands are kept to half of that.
inline constexpr size_t kMaxWorkflowTaskCommandBytes = 2 * 1024 * 1024;

// The encoded size of `commands`.
size_t CommandBytes(const std::vector<Command>& commands);

// For a run that ends in this workflow task (its last command completes or fails it): drops
// task markers, latest first, until `commands` take at most `max_bytes` and hold at most
// `max_count` commands. The markers only show progress and nothing replays a closed run, so
// the run still ends with its own result or error (a loop stopped by the iteration limit fails
// with that error, not with Temporal's refusal). Returns how many were dropped.
size_t DropMarkersToFit(std::vector<Command>& commands, size_t max_bytes, size_t max_count);

}  // namespace stigmer::durable

#endif  // STIGMER_DURABLE_COMMAND_BUDGET_H_

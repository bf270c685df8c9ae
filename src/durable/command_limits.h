#ifndef STIGMER_DURABLE_COMMAND_LIMITS_H_
#define STIGMER_DURABLE_COMMAND_LIMITS_H_

// Temporal refuses a payload over its blob size limit (2 MiB by default), and a refused answer
// is handed out again forever. So the payloads of an answer are checked before they are sent
// (their total is command_budget.h's business).

#include <cstddef>
#include <vector>

#include "absl/status/status.h"
#include "common/payload_limits.h"
#include "durable/replay_context.h"

namespace stigmer::durable {

struct PayloadLimits {
  // One payload's data (STIGMER_MAX_PAYLOAD_BYTES): a task's output, an activity's input, the
  // workflow's output.
  size_t max_payload_bytes = kMaxPayloadsBytes;
};

// OK when every payload of `commands` is within `limits`; otherwise ResourceExhausted naming what
// is too large, where it comes from and the limit: "the output of task /do/0/big is 23 MiB; one
// value may hold at most 2 MiB (STIGMER_MAX_PAYLOAD_BYTES)".
absl::Status CheckCommandSizes(const std::vector<Command>& commands, const PayloadLimits& limits);

}  // namespace stigmer::durable

#endif  // STIGMER_DURABLE_COMMAND_LIMITS_H_

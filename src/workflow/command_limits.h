#ifndef STIGMER_WORKFLOW_COMMAND_LIMITS_H_
#define STIGMER_WORKFLOW_COMMAND_LIMITS_H_

// Temporal refuses a payload over its blob size limit (2 MiB by default) and a workflow task
// answer over its gRPC message limit (4 MiB), and a refused answer is handed out again forever.
// So the commands of an answer are checked before they are sent.

#include <cstddef>
#include <vector>

#include "absl/status/status.h"
#include "workflow/replay_context.h"

namespace stigmer::workflow {

struct PayloadLimits {
  // One payload's data (STIGMER_MAX_PAYLOAD_BYTES): a task's output, an activity's input, the
  // workflow's output.
  size_t max_payload_bytes = size_t{2} << 20;
  // All of one answer's commands together.
  size_t max_answer_bytes = (size_t{4} << 20) - (size_t{64} << 10);
};

// OK when every payload of `commands` and all of them together are within `limits`;
// otherwise ResourceExhausted naming what is too large, where it comes from and the limit:
// "the output of task /do/0/big is 23 MiB; one value may hold at most 2 MiB
// (STIGMER_MAX_PAYLOAD_BYTES)".
absl::Status CheckCommandSizes(const std::vector<Command>& commands, const PayloadLimits& limits);

}  // namespace stigmer::workflow

#endif  // STIGMER_WORKFLOW_COMMAND_LIMITS_H_

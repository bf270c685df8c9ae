#ifndef STIGMER_CLI_EXECUTION_FOLLOW_H_
#define STIGMER_CLI_EXECUTION_FOLLOW_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "cli/api_client.h"
#include "cli/terminal_output.h"
#include "stigmer/v1/execution.pb.h"

namespace stigmer::cli {

// Asked once per tool call that waits for approval, while the run is followed.
using ApprovalPrompt =
    std::function<void(const stigmer::v1::Execution&, const stigmer::v1::PendingApproval&)>;

// Follows `execution` through ExecutionService.Watch until it ends. With `show_progress`, prints
// what changes as `stigmer run` does: one line per task as it starts and ends, an agent's steps
// (AgentStepLines), and for each call that waits for approval either `prompt` (when set) or the
// `stigmer approve`/`stigmer deny` commands to decide it. A broken stream (the server restarted)
// is picked up again. The record once ended; an error when the stream failed, or when it could
// not be followed to its end ("lost track of wex-…").
absl::StatusOr<stigmer::v1::Execution> FollowExecution(ApiClient& client,
                                                       stigmer::v1::Execution execution,
                                                       TerminalOutput& output, bool show_progress,
                                                       const ApprovalPrompt& prompt = nullptr);

// Prints how an ended execution ended: with `format` "json"/"yaml" the record; otherwise
// "wex-… completed" and the output (an agent's answer), or the phase and the error's lines.
// Returns the exit code: 0 COMPLETED, 1 otherwise.
int ShowExecutionEnd(const stigmer::v1::Execution& execution, TerminalOutput& output,
                     const std::string& format);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_EXECUTION_FOLLOW_H_

#ifndef STIGMER_CLI_EXECUTION_COMMANDS_H_
#define STIGMER_CLI_EXECUTION_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "cli/terminal_output.h"
#include "config/paths.h"

namespace stigmer::cli {

struct RunOptions {
  std::string workflow;              // the workflow's name, or the agent's with `message`
  std::string message;               // an agent run's message (-m)
  std::string session;               // an agent run: the session to continue; empty: a new one
  int version = 0;                   // 0: the latest
  std::string input;                 // JSON text, or @FILE
  std::vector<std::string> env;      // K=V
  std::vector<std::string> secrets;  // K=V, never stored or printed in clear
  bool follow = true;
  std::string output = "table";  // "table" (lines as tasks run) or "json"/"yaml" (the record)
};

// `stigmer run NAME ...`: creates the execution and, unless --no-follow, follows it: one line per
// task as it starts and ends, then the output JSON. An agent (`-m MESSAGE`): each model turn's
// text and tool calls, each tool's result cut to a few lines (AgentStepLines), then the answer.
// An agent run without --session starts a new session and says its id ("session ses-…  (continue
// with --session ses-…)"); with one, the model reads the session's earlier turns.
// Exit 0 COMPLETED (or not followed), 1 FAILED or CANCELLED (with the error's title and detail),
// or the session busy with another run; 2 bad input (an unknown session, or another agent's).
int RunWorkflow(const config::Paths& paths, TerminalOutput& output, const RunOptions& options);

// Whether a Create error refuses the `session` given (unknown, malformed, another agent's): bad
// input, exit 2.
bool SessionRefused(const absl::Status& status, const std::string& session);

struct ApprovalOptions {
  std::string id;
  std::string call_id;  // empty: the one call that waits
  bool approved = false;
  std::string reason;
};

// `stigmer approve EXECUTION_ID [--call ID]` and `stigmer deny EXECUTION_ID [--call ID]
// [--reason TEXT]`. Exit 0 when the decision was sent, 1 otherwise (the run waits for none, the
// call is not one that waits: the message says which do).
int DecideApproval(const config::Paths& paths, TerminalOutput& output,
                   const ApprovalOptions& options);

// `stigmer cancel EXECUTION_ID`. Exit 0 when the cancel was requested, 1 otherwise.
int CancelExecution(const config::Paths& paths, TerminalOutput& output, const std::string& id);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_EXECUTION_COMMANDS_H_

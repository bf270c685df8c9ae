#ifndef STIGMER_CLI_EXECUTION_COMMANDS_H_
#define STIGMER_CLI_EXECUTION_COMMANDS_H_

#include <string>
#include <vector>

#include "cli/terminal_output.h"
#include "config/paths.h"

namespace stigmer::cli {

struct RunOptions {
  std::string workflow;
  int version = 0;                   // 0: the latest
  std::string input;                 // JSON text, or @FILE
  std::vector<std::string> env;      // K=V
  std::vector<std::string> secrets;  // K=V, never stored or printed in clear
  bool follow = true;
  std::string output = "table";  // "table" (lines as tasks run) or "json"/"yaml" (the record)
};

// `stigmer run NAME ...`: creates the execution and, unless --no-follow, follows it: one line per
// task as it starts and ends, then the output JSON. Exit 0 COMPLETED (or not followed), 1 FAILED
// or CANCELLED (with the error's title and detail), 2 bad input.
int RunWorkflow(const config::Paths& paths, TerminalOutput& output, const RunOptions& options);

struct GetOptions {
  std::string kind;  // "workflows" or "executions" (singular accepted)
  std::string name;  // a workflow name, or an execution id; empty lists
  std::string output = "table";
  std::string workflow;  // executions: only of this workflow
  std::string phase;     // executions: only in this phase
  int limit = 0;         // lists: at most this many rows; 0: every row, page after page
  int page_size = 0;     // lists: rows asked for per call; 0: the server's maximum
};

// `stigmer get workflows|executions [NAME|ID]`. A list follows the server's pages to the end,
// or stops after --limit rows, saying on stderr when more exist. One execution in table form
// shows its phase, tasks, and output or error (RenderExecutionDetail); -o json|yaml show
// `input` and `output` as JSON values. Exit 0, 1 not found or server error, 2 bad input.
int GetResources(const config::Paths& paths, TerminalOutput& output, const GetOptions& options);

// `stigmer cancel EXECUTION_ID`. Exit 0 when the cancel was requested, 1 otherwise.
int CancelExecution(const config::Paths& paths, TerminalOutput& output, const std::string& id);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_EXECUTION_COMMANDS_H_

#ifndef STIGMER_CLI_GET_COMMAND_H_
#define STIGMER_CLI_GET_COMMAND_H_

#include <string>

#include "cli/terminal_output.h"
#include "config/paths.h"

namespace stigmer::cli {

struct GetOptions {
  std::string kind;  // "workflows", "agents", "executions" or "sessions" (singular accepted)
  std::string name;  // a workflow or agent name, or an execution id; empty lists
  std::string output = "table";
  std::string workflow;  // executions: only of this workflow; sessions: only of this agent
  std::string phase;     // executions: only in this phase
  std::string session;   // executions: only the runs of this agent session
  int limit = 0;         // lists: at most this many rows; 0: every row, page after page
  int page_size = 0;     // lists: rows asked for per call; 0: the server's maximum
};

// `stigmer get workflows|agents|executions [NAME|ID]`, `stigmer get sessions [--agent A]` (the
// most recently active first: id, agent, turns, last activity, last message cut). A list follows
// the server's pages to the end, or stops after --limit rows, saying on stderr when more exist. One
// execution in table form shows its phase, tasks, and output or error (RenderExecutionDetail); -o
// json|yaml show `input` and `output` as JSON values. Exit 0, 1 not found or server error, 2 bad
// input.
int GetResources(const config::Paths& paths, TerminalOutput& output, const GetOptions& options);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_GET_COMMAND_H_

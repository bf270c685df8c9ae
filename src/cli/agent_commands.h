#ifndef STIGMER_CLI_AGENT_COMMANDS_H_
#define STIGMER_CLI_AGENT_COMMANDS_H_

#include <string>

#include "cli/terminal_output.h"
#include "config/paths.h"

namespace stigmer::cli {

// `stigmer delete agent NAME`: the agent and every version of it. Exit 0; 1 when not found
// (naming the name and `stigmer get agents`), or the server cannot be reached; 2 when
// config.yaml does not load.
int DeleteAgent(const config::Paths& paths, TerminalOutput& output, const std::string& name);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_AGENT_COMMANDS_H_

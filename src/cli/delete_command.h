#ifndef STIGMER_CLI_DELETE_COMMAND_H_
#define STIGMER_CLI_DELETE_COMMAND_H_

#include <string>

#include "cli/terminal_output.h"
#include "config/paths.h"

namespace stigmer::cli {

struct DeleteOptions {
  bool agent = false;  // else a workflow
  std::string name;
  bool force = false;  // a workflow: even while executions of it run
};

// `stigmer delete workflow|agent NAME [--force]`: the resource and every version of it. Exit 0;
// 1 when refused, not found (naming the name and how to list them) or the server cannot be
// reached; 2 when config.yaml does not load.
int DeleteResource(const config::Paths& paths, TerminalOutput& output,
                   const DeleteOptions& options);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_DELETE_COMMAND_H_

#ifndef STIGMER_CLI_APPLY_COMMAND_H_
#define STIGMER_CLI_APPLY_COMMAND_H_

#include <string>
#include <vector>

#include "cli/terminal_output.h"
#include "config/paths.h"

namespace stigmer::cli {

// `stigmer apply -f FILE|DIR ... [--dry-run]`: workflows and agents, in any mix of files,
// multi-document files and folders; each document goes to the service its shape names
// (document_kind.h). Every document is validated before any is stored, and a batch that would
// give one name to both a workflow and an agent is refused, so a batch is applied whole or not at
// all. Then a table NAME VERSION STATUS ID, NAME being "workflow/hello" or "agent/reviewer".
// Exit 0; 1 when a document is invalid or refused (nothing is stored then), or the server cannot
// be reached; 2 for unreadable paths or no documents.
int ApplyResources(const config::Paths& paths, TerminalOutput& output,
                   const std::vector<std::string>& files, bool dry_run);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_APPLY_COMMAND_H_

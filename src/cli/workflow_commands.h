#ifndef STIGMER_CLI_WORKFLOW_COMMANDS_H_
#define STIGMER_CLI_WORKFLOW_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cli/api_client.h"
#include "cli/terminal_output.h"
#include "config/paths.h"

namespace stigmer::cli {

// Connects to stigmer-server, first starting the daemon (showing its progress) when it is not
// running, as `stigmer apply` and `stigmer run` do.
absl::StatusOr<ApiClient> ConnectStartingServer(const config::Paths& paths, TerminalOutput& output);

// `stigmer delete workflow NAME [--force]`. Exit 0, 1 when refused or not found.
int DeleteWorkflow(const config::Paths& paths, TerminalOutput& output, const std::string& name,
                   bool force);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_WORKFLOW_COMMANDS_H_

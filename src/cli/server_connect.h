#ifndef STIGMER_CLI_SERVER_CONNECT_H_
#define STIGMER_CLI_SERVER_CONNECT_H_

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

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_SERVER_CONNECT_H_

#ifndef STIGMER_CLI_SERVER_COMMANDS_H_
#define STIGMER_CLI_SERVER_COMMANDS_H_

#include <string>

#include "absl/time/time.h"
#include "cli/terminal_output.h"
#include "config/paths.h"

namespace stigmer::cli {

// `stigmer server [start]`: starts the daemon unless it runs, shows each component as it becomes
// ready, then the Ready block. Exit 0 ready (or already running), 1 a component failed to
// start, 2 bad configuration.
int StartServer(const config::Paths& paths, TerminalOutput& output);

// `stigmer server start --foreground`: the supervisor in this process, until Ctrl-C or SIGTERM.
int RunServerInForeground();

// `stigmer server status [--json] [--watch]`. Exit 0 all ready, 1 degraded, 3 not running.
int ShowStatus(const config::Paths& paths, TerminalOutput& output, bool json, bool watch);

// `stigmer server stop [--timeout S]`: stops everything in order and waits until the daemon is
// gone. Exit 0 stopped or not running, 1 when it did not stop in time.
int StopServer(const config::Paths& paths, TerminalOutput& output, absl::Duration timeout);

// `stigmer server restart [-c COMPONENT]`: one component, or all of them; starts the daemon if
// it is not running. Exit 0 ready again, 1 otherwise, 2 unknown component.
int RestartServer(const config::Paths& paths, TerminalOutput& output, const std::string& component);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_SERVER_COMMANDS_H_

#ifndef STIGMER_CLI_CONFIG_COMMANDS_H_
#define STIGMER_CLI_CONFIG_COMMANDS_H_

#include <string>

#include "cli/terminal_output.h"
#include "config/paths.h"

namespace stigmer::cli {

// `stigmer config path|get|set|list`. Exit 0 on success, 2 for an unknown key, a bad value or a
// bad config file.
int ConfigPath(const config::Paths& paths, TerminalOutput& output);
int ConfigGet(const config::Paths& paths, TerminalOutput& output, const std::string& key);
int ConfigSet(const config::Paths& paths, TerminalOutput& output, const std::string& key,
              const std::string& value);
int ConfigList(const config::Paths& paths, TerminalOutput& output);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_CONFIG_COMMANDS_H_

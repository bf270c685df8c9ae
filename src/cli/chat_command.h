#ifndef STIGMER_CLI_CHAT_COMMAND_H_
#define STIGMER_CLI_CHAT_COMMAND_H_

#include <istream>
#include <string>

#include "cli/terminal_output.h"
#include "config/paths.h"

namespace stigmer::cli {

struct ChatOptions {
  std::string agent;
  std::string session;  // the session to continue; empty: a new one, made by the first turn
};

// `stigmer chat AGENT [--session ID]`: a conversation with an agent, one session. Each non-empty
// line read from `in` is one turn: an agent run in the session, followed as `stigmer run` follows
// it (its steps, then the answer). A call that waits for approval is asked about inline
// ("approve call X (tool T {args})? [y/N]", the answer read from `in`; anything but y/yes denies,
// and so does the end of the input). The session's id is printed once known (at the start with
// --session, after the first turn is created otherwise). A failed turn prints its error and the
// chat goes on. The end of the input (Ctrl-D) ends the chat.
// Exit 0 when the last turn completed (or none was run), 1 when it failed, was cancelled or could
// not be created (the server down, the session busy); 2 when the session is refused (unknown, or
// another agent's), at once.
int Chat(const config::Paths& paths, TerminalOutput& output, std::istream& in,
         const ChatOptions& options);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_CHAT_COMMAND_H_

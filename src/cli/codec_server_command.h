#ifndef STIGMER_CLI_CODEC_SERVER_COMMAND_H_
#define STIGMER_CLI_CODEC_SERVER_COMMAND_H_

#include <string>

#include "cli/terminal_output.h"
#include "config/paths.h"

namespace stigmer::cli {

struct CodecServerOptions {
  std::string listen_address = "127.0.0.1";
  int port = 8081;
};

// `stigmer codec-server`: serves Temporal's remote codec protocol (codec_server/codec_request.h)
// in the foreground with the payload key and the API token of `paths`, so that
// `temporal … --codec-endpoint` and the Temporal UI show encrypted payloads in clear to the
// owner. Browsers may call it from the Temporal UI (http://localhost:<temporal.ui_port> and
// http://127.0.0.1:<temporal.ui_port>). Returns on SIGINT or SIGTERM: 0; 1 when it cannot
// listen or read its keys; 2 for a bad configuration.
int RunCodecServer(const config::Paths& paths, TerminalOutput& output,
                   const CodecServerOptions& options);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_CODEC_SERVER_COMMAND_H_

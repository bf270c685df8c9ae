#ifndef STIGMER_CLI_EMIT_COMMAND_H_
#define STIGMER_CLI_EMIT_COMMAND_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cli/terminal_output.h"
#include "config/paths.h"
#include "nlohmann/json.hpp"

namespace stigmer::cli {

struct EmitOptions {
  std::string type;     // required
  std::string source;   // required
  std::string id;       // empty: a new ULID
  std::string subject;  // empty: none
  std::string data;     // JSON text; empty: no data
};

// The CloudEvent `stigmer emit` sends: specversion 1.0, the options, "time" `now`,
// datacontenttype application/json when there is data. InvalidArgument naming the flag when
// --data is not JSON, or ValidateCloudEvent's message.
absl::StatusOr<nlohmann::json> BuildEmittedEvent(const EmitOptions& options, absl::Time now);

// `stigmer emit`: publishes the event to stigmer-server's event bus (EventService.Publish).
// Exit codes: 0 accepted (also when that source had already published that id), 1 the server
// cannot be reached or refuses, 2 a bad event (nothing sent).
int EmitEvent(const config::Paths& paths, TerminalOutput& output, const EmitOptions& options);

}  // namespace stigmer::cli

#endif  // STIGMER_CLI_EMIT_COMMAND_H_

#ifndef STIGMER_SERVER_SERVER_OPTIONS_H_
#define STIGMER_SERVER_SERVER_OPTIONS_H_

#include <filesystem>
#include <string>

#include "absl/status/statusor.h"
#include "temporal/payload_codec.h"
#include "temporal/worker_options.h"
#include "workflow/expression_sandbox.h"

namespace stigmer::server {

// The event endpoint's port when STIGMER_EVENTS_PORT is not set (config server.events_port).
inline constexpr int kDefaultEventsPort = 7236;

// Where stigmer-server listens and which Temporal it talks to.
struct ServerOptions {
  std::string listen_address = "127.0.0.1";  // an IPv4 address or a host name
  int port = 7234;                           // 0: any free port (see StigmerServer::port)
  int events_port = 0;  // the event endpoint on 127.0.0.1; 0: any free port (see events_port())
  std::string temporal_address = "127.0.0.1:7233";  // host:port of Temporal's frontend
  std::filesystem::path store_path;                 // the SQLite store; empty: in memory
  std::string database;  // server.database: empty for store_path, or a PostgreSQL URL (a secret)
  // This server among the stigmer-servers sharing a store (who follows which execution): the
  // same across restarts, so that a restarted server follows its executions again at once;
  // empty: one made up at start.
  std::string follower_id;
  std::string api_token;                 // every call but health and reflection must carry it
  std::filesystem::path api_token_file;  // where the token lives (named in refusals)
  std::string signing_key;               // signs every start (temporal/start_signature.h)
  std::filesystem::path signing_key_file;
  // Encrypts every payload sent to Temporal; null: payloads go in clear (tests only).
  std::shared_ptr<const temporal::PayloadCodec> payload_codec;
  std::filesystem::path payload_key_file;
  // The stigmer executable that evaluates schedule.on's expressions in a sandbox within
  // `expression_limits`; empty: in this process (tests).
  std::string expression_sandbox_binary;
  workflow::ExpressionLimits expression_limits;
};

// ServerOptions from the environment: GRPC_PORT (an integer 0..65535), STIGMER_EVENTS_PORT (the
// same; default kDefaultEventsPort), STIGMER_LISTEN_ADDRESS,
// TEMPORAL_SERVICE_ADDRESS, STIGMER_DATABASE_URL (server.database: a PostgreSQL URL for the store),
// STIGMER_HOME (the SQLite store is $STIGMER_HOME/data/stigmer.db and the
// API token file $STIGMER_HOME/data/api.token, default ~/.stigmer; the follower id is
// "<hostname>:<STIGMER_HOME>"); unset or empty variables keep
// the defaults; STIGMER_EXPRESSION_TIMEOUT_MS and STIGMER_EXPRESSION_MEMORY_MB as for
// workflow-runner. Leaves api_token, signing_key and payload_codec empty (see RunStigmerServer).
// InvalidArgument when GRPC_PORT or STIGMER_EVENTS_PORT is not a port number, a limit is not
// a positive number, or STIGMER_DATABASE_URL is not a PostgreSQL URL (the password masked).
absl::StatusOr<ServerOptions> ServerOptionsFromEnvironment(const EnvironmentLookup& lookup);

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_SERVER_OPTIONS_H_

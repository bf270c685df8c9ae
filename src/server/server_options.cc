#include "server/server_options.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/database_url.h"
#include "common/environment.h"
#include "config/paths.h"
#include "temporal/worker_identity.h"

namespace stigmer::server {

absl::StatusOr<ServerOptions> ServerOptionsFromEnvironment(const EnvironmentLookup& lookup) {
  ServerOptions options;
  if (auto port = lookup("GRPC_PORT"); port && !port->empty()) {
    if (!absl::SimpleAtoi(*port, &options.port) || options.port < 0 || options.port > 65535) {
      return absl::InvalidArgumentError(
          absl::StrCat("GRPC_PORT must be a port number (0-65535), not \"", *port, "\""));
    }
  }
  options.events_port = kDefaultEventsPort;
  if (auto port = lookup("STIGMER_EVENTS_PORT"); port && !port->empty()) {
    if (!absl::SimpleAtoi(*port, &options.events_port) || options.events_port < 0 ||
        options.events_port > 65535) {
      return absl::InvalidArgumentError(
          absl::StrCat("STIGMER_EVENTS_PORT must be a port number (0-65535), not \"", *port, "\""));
    }
  }
  if (auto address = lookup("STIGMER_LISTEN_ADDRESS"); address && !address->empty()) {
    options.listen_address = *address;
  }
  if (auto temporal = lookup("TEMPORAL_SERVICE_ADDRESS"); temporal && !temporal->empty()) {
    options.temporal_address = *temporal;
  }
  if (auto database = lookup("STIGMER_DATABASE_URL"); database && !database->empty()) {
    if (absl::Status valid = ValidateDatabaseUrl(*database); !valid.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("STIGMER_DATABASE_URL (server.database): ", valid.message()));
    }
    options.database = *database;
  }
  std::filesystem::path home;
  if (auto stigmer_home = lookup("STIGMER_HOME"); stigmer_home && !stigmer_home->empty()) {
    home = *stigmer_home;
  } else {
    home = std::filesystem::path(lookup("HOME").value_or("/tmp")) / ".stigmer";
  }
  const config::Paths paths(home);
  options.follower_id = absl::StrCat(temporal::HostnameOrUnknown(), ":", home.string());
  options.store_path = paths.StoreDatabase();
  options.api_token_file = paths.ApiTokenFile();
  options.signing_key_file = paths.SigningKeyFile();
  options.payload_key_file = paths.PayloadKeyFile();
  workflow::ExpressionLimits& limits = options.expression_limits;
  int64_t expression_ms = absl::ToInt64Milliseconds(limits.timeout);
  int64_t expression_mb = static_cast<int64_t>(limits.memory_bytes >> 20);
  for (absl::Status status :
       {ReadPositiveSetting(lookup, "STIGMER_EXPRESSION_TIMEOUT_MS", 600000, &expression_ms),
        ReadPositiveSetting(lookup, "STIGMER_EXPRESSION_MEMORY_MB", 65536, &expression_mb)}) {
    if (!status.ok()) return status;
  }
  limits.timeout = absl::Milliseconds(expression_ms);
  limits.memory_bytes = static_cast<size_t>(expression_mb) << 20;
  return options;
}

}  // namespace stigmer::server

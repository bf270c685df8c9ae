#include "server/server_options.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "config/paths.h"

namespace stigmer::server {

absl::StatusOr<ServerOptions> ServerOptionsFromEnvironment(const EnvironmentLookup& lookup) {
  ServerOptions options;
  if (auto port = lookup("GRPC_PORT"); port && !port->empty()) {
    if (!absl::SimpleAtoi(*port, &options.port) || options.port < 0 || options.port > 65535) {
      return absl::InvalidArgumentError(
          absl::StrCat("GRPC_PORT must be a port number (0-65535), not \"", *port, "\""));
    }
  }
  if (auto address = lookup("STIGMER_LISTEN_ADDRESS"); address && !address->empty()) {
    options.listen_address = *address;
  }
  if (auto temporal = lookup("TEMPORAL_SERVICE_ADDRESS"); temporal && !temporal->empty()) {
    options.temporal_address = *temporal;
  }
  if (auto home = lookup("STIGMER_HOME"); home && !home->empty()) {
    options.store_path = config::Paths(*home).StoreDatabase();
  } else {
    const std::optional<std::string> user_home = lookup("HOME");
    options.store_path =
        config::Paths(std::filesystem::path(user_home.value_or("/tmp")) / ".stigmer")
            .StoreDatabase();
  }
  return options;
}

}  // namespace stigmer::server

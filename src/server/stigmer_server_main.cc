#include "server/stigmer_server_main.h"

#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "common/database_url.h"
#include "config/api_token.h"
#include "config/key_file.h"
#include "server/server_options.h"
#include "server/stigmer_server.h"
#include "spdlog/spdlog.h"
#include "temporal/component_logging.h"

namespace stigmer::server {

int RunStigmerServer() {
  temporal::ConfigureComponentLogging();
  sigset_t stop_signals;
  ::sigemptyset(&stop_signals);
  ::sigaddset(&stop_signals, SIGTERM);
  ::sigaddset(&stop_signals, SIGINT);
  ::pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  absl::StatusOr<ServerOptions> options = ServerOptionsFromEnvironment(ProcessEnvironment());
  if (!options.ok()) {
    spdlog::error("{}", std::string(options.status().message()));
    return 2;
  }
  absl::StatusOr<std::string> token = config::LoadOrCreateApiToken(options->api_token_file);
  if (!token.ok()) {
    spdlog::error("{}", std::string(token.status().message()));
    return 1;
  }
  options->api_token = *std::move(token);
  // workflow-runner runs only what this key signed; whichever of the two starts first makes it.
  absl::StatusOr<std::string> signing_key =
      config::LoadOrCreateKeyFile(options->signing_key_file, "signing key");
  if (!signing_key.ok()) {
    spdlog::error("{}", std::string(signing_key.status().message()));
    return 1;
  }
  options->signing_key = *std::move(signing_key);
  // schedule.on's expressions run in sandboxes: children of this very binary.
  options->expression_sandbox_binary = "/proc/self/exe";
  // Payloads are encrypted with this key before they reach Temporal; workers share it.
  absl::StatusOr<std::shared_ptr<const temporal::PayloadCodec>> codec =
      temporal::LoadOrCreatePayloadCodec(options->payload_key_file);
  if (!codec.ok()) {
    spdlog::error("{}", std::string(codec.status().message()));
    return 1;
  }
  options->payload_codec = *std::move(codec);
  absl::StatusOr<std::unique_ptr<StigmerServer>> server = StigmerServer::Start(*options);
  if (!server.ok()) {
    spdlog::error("{}", std::string(server.status().message()));
    return 1;
  }
  spdlog::info(
      "stigmer-server listening on {}:{}, events on http://127.0.0.1:{}/events (Temporal at {}, "
      "store {})",
      options->listen_address, (*server)->port(), (*server)->events_port(),
      options->temporal_address,
      options->database.empty() ? options->store_path.string()
                                : MaskDatabaseUrl(options->database));

  int received = 0;
  while (::sigwait(&stop_signals, &received) != 0) {
  }
  spdlog::info("received {}, shutting down", ::strsignal(received));
  (*server)->Shutdown(absl::Seconds(5));
  spdlog::info("stopped");
  return 0;
}

}  // namespace stigmer::server

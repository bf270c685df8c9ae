#include "cli/codec_server_command.h"

#include <pthread.h>
#include <signal.h>

#include "absl/strings/str_cat.h"
#include "codec_server/codec_request.h"
#include "common/environment.h"
#include "common/http_server.h"
#include "config/api_token.h"
#include "config/config.h"
#include "temporal/payload_codec.h"

namespace stigmer::cli {

int RunCodecServer(const config::Paths& paths, TerminalOutput& output,
                   const CodecServerOptions& options) {
  absl::StatusOr<config::Config> config = config::LoadConfig(paths, ProcessEnvironment());
  if (!config.ok()) {
    output.Error(config.status().message());
    return 2;
  }
  codec_server::CodecEndpoint endpoint;
  absl::StatusOr<std::shared_ptr<const temporal::PayloadCodec>> codec =
      temporal::LoadOrCreatePayloadCodec(paths.PayloadKeyFile());
  absl::StatusOr<std::string> token =
      codec.ok() ? config::LoadOrCreateApiToken(paths.ApiTokenFile()) : codec.status();
  if (!token.ok()) {
    output.Error(token.status().message());
    return 1;
  }
  const std::string key_id = (*codec)->key_id();
  endpoint.codec = *std::move(codec);
  endpoint.api_token = *std::move(token);
  for (const char* host : {"localhost", "127.0.0.1"}) {
    endpoint.allowed_origins.insert(absl::StrCat("http://", host, ":", config->temporal_ui_port));
  }

  // Blocked before the server's thread starts, so that only sigwait sees them.
  sigset_t stop_signals;
  ::sigemptyset(&stop_signals);
  ::sigaddset(&stop_signals, SIGTERM);
  ::sigaddset(&stop_signals, SIGINT);
  ::pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  absl::StatusOr<std::unique_ptr<HttpServer>> server =
      HttpServer::Start({.address = options.listen_address,
                         .port = options.port,
                         .max_body_bytes = codec_server::kMaxCodecBodyBytes,
                         .purpose = "codec requests",
                         .port_setting = "--port"},
                        [endpoint = std::move(endpoint)](const HttpRequest& request) {
                          return codec_server::HandleCodecHttpRequest(endpoint, request);
                        });
  if (!server.ok()) {
    output.Error(server.status().message());
    return 1;
  }
  const std::string url = absl::StrCat("http://", options.listen_address, ":", (*server)->port());
  output.Success(absl::StrCat("codec server listening on ", url, " (payload key ", key_id, ")"));
  output.Line(absl::StrCat("  temporal workflow show -w ID --codec-endpoint ", url,
                           " --codec-auth \"Bearer $(cat ", paths.ApiTokenFile().string(), ")\""));
  output.Line(absl::StrCat("  Temporal UI codec endpoint: ", url, "/<the token in ",
                           paths.ApiTokenFile().string(), ">"));
  output.out().flush();
  int received = 0;
  while (::sigwait(&stop_signals, &received) != 0) {
  }
  return 0;
}

}  // namespace stigmer::cli

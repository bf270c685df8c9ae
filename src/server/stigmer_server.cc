#include "server/stigmer_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/errno_status.h"
#include "common/file_io.h"
#include "common/ulid.h"
#include "common/unique_fd.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/server_builder.h"
#include "temporal/health_probe.h"
#include "temporal/temporal_channel.h"

namespace stigmer::server {
namespace {

// The event endpoint listens on loopback only, whatever the gRPC address.
constexpr char kEventsAddress[] = "127.0.0.1";

// How long GetInfo waits for Temporal's health answer.
constexpr absl::Duration kTemporalProbeTimeout = absl::Seconds(1);

// gRPC does not say why a bind failed; binding the same address ourselves does (for IPv4).
absl::Status ExplainBindFailure(const std::string& host, int port, const std::string& where) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &address.sin_addr) == 1) {
    UniqueFd probe(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (probe.valid() &&
        ::bind(probe.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      return ErrnoToStatus(absl::StrCat("cannot listen on ", where), errno);
    }
  }
  return absl::UnavailableError(absl::StrCat("cannot listen on ", where));
}

}  // namespace

StigmerServer::StigmerServer(const ServerOptions& options, absl::Time started,
                             std::unique_ptr<store::Store> store)
    : token_gate_(options.api_token, options.api_token_file),
      temporal_channel_(
          temporal::CreateTemporalChannel(options.temporal_address, options.payload_codec)),
      info_service_(options.temporal_address, started,
                    [channel = temporal_channel_] {
                      return temporal::CheckTemporalServing(channel, kTemporalProbeTimeout).ok();
                    }),
      store_(std::move(store)),
      event_delivery_(store_.get(), {.temporal_address = options.temporal_address,
                                     .payload_codec = options.payload_codec}),
      executions_(
          store_.get(),
          {.temporal_address = options.temporal_address,
           .signing_key = options.signing_key,
           .payload_codec = options.payload_codec,
           .tracking = {.follower = options.follower_id.empty() ? "server-" + NewUlid(started)
                                                                : options.follower_id,
                        .on_history =
                            [this](const std::string& id,
                                   const std::vector<temporal::HistoryEvent>& events) {
                              event_delivery_.OnHistory(id, events);
                            }}}),
      schedules_(
          store_.get(), [this] { return executions_.Client(); }, options.signing_key,
          temporal::kWorkflowTaskQueue),
      scheduled_runs_(&schedules_, &executions_),
      workflow_service_(store_.get(), &schedules_),
      agent_service_(store_.get()),
      execution_service_(store_.get(), &executions_),
      event_bus_(store_.get()),
      event_service_(&event_bus_),
      progress_service_(&executions_),
      event_triggers_(store_.get(), &executions_, options.expression_sandbox_binary,
                      options.expression_limits) {
  event_bus_.OnNewEvent([this] {
    event_delivery_.Wake();
    event_triggers_.Wake();
  });
}

absl::StatusOr<std::unique_ptr<StigmerServer>> StigmerServer::Start(const ServerOptions& options) {
  if (options.api_token.empty()) {
    return absl::InvalidArgumentError("stigmer-server needs an API token to check calls against");
  }
  if (options.database.empty() && !options.store_path.empty()) {
    if (absl::Status made = MakeDirectories(options.store_path.parent_path()); !made.ok()) {
      return made;
    }
  }
  absl::StatusOr<std::unique_ptr<store::Store>> store = store::Store::OpenDatabase(
      options.database, options.store_path.empty() ? ":memory:" : options.store_path);
  if (!store.ok()) return store.status();
  auto server = std::make_unique<StigmerServer>(options, absl::Now(), *std::move(store));
  server->schedules_.OnScheduleAdded([raw = server.get()] { raw->scheduled_runs_.Wake(); });
  if (absl::Status loaded = server->schedules_.Load(); !loaded.ok()) return loaded;
  const std::string where = absl::StrCat(options.listen_address, ":", options.port);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(where, server->token_gate_.Credentials(), &server->port_);
  // Requests up to 16 MiB reach the services, which refuse documents over 4 MiB by name.
  builder.SetMaxReceiveMessageSize(16 << 20);
  builder.RegisterService(&server->info_service_);
  builder.RegisterService(&server->workflow_service_);
  builder.RegisterService(&server->agent_service_);
  builder.RegisterService(&server->execution_service_);
  builder.RegisterService(&server->event_service_);
  builder.RegisterService(&server->progress_service_);
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    server->shut_down_ = true;
    return ExplainBindFailure(options.listen_address, options.port, where);
  }
  const ApiTokenGate* gate = &server->token_gate_;
  EventBus* bus = &server->event_bus_;
  absl::StatusOr<std::unique_ptr<HttpServer>> events_http = HttpServer::Start(
      {.address = kEventsAddress,
       .port = options.events_port,
       .max_body_bytes = kMaxEventBodyBytes,
       .purpose = "events",
       .port_setting = "server.events_port"},
      [gate, bus](const HttpRequest& request) {
        return HandleEventHttpRequest(
            *gate, request, [bus](const nlohmann::json& event) { return bus->Publish(event); });
      });
  if (!events_http.ok()) {
    server->Shutdown(absl::ZeroDuration());
    return events_http.status();
  }
  server->events_http_ = *std::move(events_http);
  server->server_->GetHealthCheckService()->SetServingStatus(true);
  server->event_delivery_.Start();
  server->event_triggers_.Start();
  server->executions_.StartTracking();
  server->scheduled_runs_.Start();
  return server;
}

StigmerServer::~StigmerServer() { Shutdown(); }

void StigmerServer::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  events_http_.reset();        // no more events come in
  event_triggers_.Shutdown();  // starts no more executions
  scheduled_runs_.Stop();
  executions_.Shutdown();  // ends every Watch stream first
  event_delivery_.Shutdown();
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  server_->Wait();
}

}  // namespace stigmer::server

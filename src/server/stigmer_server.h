#ifndef STIGMER_SERVER_STIGMER_SERVER_H_
#define STIGMER_SERVER_STIGMER_SERVER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/http_server.h"
#include "grpcpp/channel.h"
#include "grpcpp/server.h"
#include "server/agent_service.h"
#include "server/api_token_gate.h"
#include "server/event_bus.h"
#include "server/event_delivery.h"
#include "server/event_http_request.h"
#include "server/event_service.h"
#include "server/event_triggers.h"
#include "server/execution_manager.h"
#include "server/execution_service.h"
#include "server/info_service.h"
#include "server/progress_service.h"
#include "server/scheduled_runs.h"
#include "server/server_options.h"
#include "server/store/store.h"
#include "server/workflow_schedules.h"
#include "server/workflow_service.h"

namespace stigmer::server {

// stigmer-server's gRPC server: grpc.health.v1 (overall "" SERVING), server reflection and
// stigmer.v1.InfoService, WorkflowService, AgentService, ExecutionService and EventService,
// listening on options.listen_address:options.port; and the event bus's HTTP endpoint on
// 127.0.0.1:options.events_port (event_http_request.h). Every call but health and reflection must
// carry options.api_token (see ApiTokenGate). Runs on gRPC's own threads; usable in-process (tests)
// as well as from RunStigmerServer.
class StigmerServer {
 public:
  // Opens the store, binds and starts serving (gRPC, then the event endpoint), then follows again
  // the executions a previous server left running. InvalidArgument when options.api_token is empty.
  // Fails when the store cannot be opened. Binds and starts serving. Fails (Unavailable,
  // AlreadyExists, PermissionDenied...) with "cannot listen on <address>:<port>: <reason>" when the
  // address cannot be bound; the port is never shared with another process (SO_REUSEPORT off).
  static absl::StatusOr<std::unique_ptr<StigmerServer>> Start(const ServerOptions& options);

  // Use Start(); public only so that Start can use std::make_unique.
  StigmerServer(const ServerOptions& options, absl::Time started,
                std::unique_ptr<store::Store> store);
  ~StigmerServer();  // Shutdown(absl::Seconds(5)) unless already shut down
  StigmerServer(const StigmerServer&) = delete;
  StigmerServer& operator=(const StigmerServer&) = delete;

  // The port bound (the chosen one when options.port was 0).
  int port() const { return port_; }
  // The event endpoint's port (the chosen one when options.events_port was 0).
  int events_port() const { return events_http_->port(); }

  // Stops accepting calls, lets calls in progress finish for up to `grace`, then cancels the
  // rest and waits for them. Idempotent. Thread-safe with respect to calls being served.
  void Shutdown(absl::Duration grace = absl::Seconds(5));

 private:
  ApiTokenGate token_gate_;  // outlives server_, which calls it
  std::shared_ptr<grpc::Channel> temporal_channel_;
  InfoServiceHandler info_service_;
  std::unique_ptr<store::Store> store_;
  EventDelivery event_delivery_;  // fed by executions_
  ExecutionManager executions_;
  WorkflowSchedules schedules_;
  ScheduledRunFinder scheduled_runs_;
  WorkflowService workflow_service_;
  AgentService agent_service_;
  ExecutionService execution_service_;
  EventBus event_bus_;
  EventService event_service_;
  ProgressService progress_service_;
  EventTriggers event_triggers_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<HttpServer> events_http_;
  int port_ = 0;
  bool shut_down_ = false;
};

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_STIGMER_SERVER_H_

#include "server/event_service.h"

#include "common/cloud_event.h"
#include "common/grpc_status.h"

namespace stigmer::server {

grpc::Status EventService::Publish(grpc::ServerContext*,
                                   const stigmer::v1::PublishEventRequest* request,
                                   stigmer::v1::PublishEventResponse* response) {
  absl::StatusOr<nlohmann::json> event = ParseStructuredCloudEvent(request->event_json());
  if (!event.ok()) return ToGrpcStatus(event.status());
  absl::StatusOr<EventBus::Accepted> accepted = bus_->Publish(*event);
  if (!accepted.ok()) return ToGrpcStatus(accepted.status());
  response->set_id(accepted->id);
  response->set_source(accepted->source);
  response->set_duplicate(accepted->duplicate);
  response->set_sequence(accepted->sequence);
  return grpc::Status::OK;
}

}  // namespace stigmer::server

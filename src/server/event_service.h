#ifndef STIGMER_SERVER_EVENT_SERVICE_H_
#define STIGMER_SERVER_EVENT_SERVICE_H_

#include "server/event_bus.h"
#include "stigmer/v1/event.grpc.pb.h"

namespace stigmer::server {

// stigmer.v1.EventService: translates requests and statuses; the work is in EventBus.
class EventService final : public stigmer::v1::EventService::Service {
 public:
  // REQUIRES: `bus` outlives this object.
  explicit EventService(EventBus* bus) : bus_(bus) {}

  grpc::Status Publish(grpc::ServerContext* context,
                       const stigmer::v1::PublishEventRequest* request,
                       stigmer::v1::PublishEventResponse* response) override;

 private:
  EventBus* bus_;
};

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_EVENT_SERVICE_H_

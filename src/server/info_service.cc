#include "server/info_service.h"

#include "absl/time/clock.h"
#include "common/version.h"

namespace stigmer::server {

grpc::Status InfoServiceHandler::GetInfo(grpc::ServerContext* /*context*/,
                                         const stigmer::v1::GetInfoRequest* /*request*/,
                                         stigmer::v1::GetInfoResponse* response) {
  response->set_version(stigmer::kVersion);
  response->set_uptime_seconds(absl::ToInt64Seconds(absl::Now() - started_));
  response->set_temporal_address(temporal_address_);
  response->set_temporal_reachable(temporal_reachable_());
  return grpc::Status::OK;
}

}  // namespace stigmer::server

#ifndef STIGMER_SERVER_INFO_SERVICE_H_
#define STIGMER_SERVER_INFO_SERVICE_H_

#include <functional>
#include <string>

#include "absl/time/time.h"
#include "stigmer/v1/info.grpc.pb.h"

namespace stigmer::server {

// stigmer.v1.InfoService: what this server is and whether Temporal answers.
// `temporal_reachable` is asked on every GetInfo call and must return within about a second.
class InfoServiceHandler final : public stigmer::v1::InfoService::Service {
 public:
  InfoServiceHandler(std::string temporal_address, absl::Time started,
                     std::function<bool()> temporal_reachable)
      : temporal_address_(std::move(temporal_address)),
        started_(started),
        temporal_reachable_(std::move(temporal_reachable)) {}

  grpc::Status GetInfo(grpc::ServerContext* context, const stigmer::v1::GetInfoRequest* request,
                       stigmer::v1::GetInfoResponse* response) override;

 private:
  const std::string temporal_address_;
  const absl::Time started_;
  const std::function<bool()> temporal_reachable_;
};

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_INFO_SERVICE_H_

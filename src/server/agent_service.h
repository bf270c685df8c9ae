#ifndef STIGMER_SERVER_AGENT_SERVICE_H_
#define STIGMER_SERVER_AGENT_SERVICE_H_

#include "server/store/store.h"
#include "stigmer/v1/agent.grpc.pb.h"

namespace stigmer::server {

// stigmer.v1.AgentService: translates requests and statuses; the work is in agent_catalog.h and
// the store.
class AgentService final : public stigmer::v1::AgentService::Service {
 public:
  explicit AgentService(store::Store* store) : store_(store) {}

  grpc::Status Apply(grpc::ServerContext* context, const stigmer::v1::ApplyAgentRequest* request,
                     stigmer::v1::ApplyAgentResponse* response) override;
  grpc::Status Get(grpc::ServerContext* context, const stigmer::v1::GetAgentRequest* request,
                   stigmer::v1::Agent* response) override;
  grpc::Status List(grpc::ServerContext* context, const stigmer::v1::ListAgentsRequest* request,
                    stigmer::v1::ListAgentsResponse* response) override;
  grpc::Status Delete(grpc::ServerContext* context, const stigmer::v1::DeleteAgentRequest* request,
                      stigmer::v1::DeleteAgentResponse* response) override;

 private:
  store::Store* store_;
};

}  // namespace stigmer::server

#endif  // STIGMER_SERVER_AGENT_SERVICE_H_

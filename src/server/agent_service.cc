#include "server/agent_service.h"

#include "common/grpc_status.h"
#include "server/agent_catalog.h"

namespace stigmer::server {

grpc::Status AgentService::Apply(grpc::ServerContext*,
                                 const stigmer::v1::ApplyAgentRequest* request,
                                 stigmer::v1::ApplyAgentResponse* response) {
  absl::StatusOr<store::AgentApplyResult> result =
      ApplyAgentDocument(*store_, request->definition(), request->dry_run());
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response->mutable_agent() = std::move(result->agent);
  response->set_outcome(result->outcome);
  return grpc::Status::OK;
}

grpc::Status AgentService::Get(grpc::ServerContext*, const stigmer::v1::GetAgentRequest* request,
                               stigmer::v1::Agent* response) {
  absl::StatusOr<stigmer::v1::Agent> agent = store_->GetAgent(request->name(), request->version());
  if (!agent.ok()) return ToGrpcStatus(agent.status());
  *response = *std::move(agent);
  return grpc::Status::OK;
}

grpc::Status AgentService::List(grpc::ServerContext*, const stigmer::v1::ListAgentsRequest* request,
                                stigmer::v1::ListAgentsResponse* response) {
  absl::StatusOr<store::AgentPage> page =
      store_->ListAgents(request->page_size(), request->page_token());
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (auto& agent : page->agents) *response->add_agents() = std::move(agent);
  response->set_next_page_token(page->next_page_token);
  return grpc::Status::OK;
}

grpc::Status AgentService::Delete(grpc::ServerContext*,
                                  const stigmer::v1::DeleteAgentRequest* request,
                                  stigmer::v1::DeleteAgentResponse* response) {
  absl::StatusOr<int> deleted = store_->DeleteAgent(request->name());
  if (!deleted.ok()) return ToGrpcStatus(deleted.status());
  response->set_versions_deleted(*deleted);
  return grpc::Status::OK;
}

}  // namespace stigmer::server

#ifndef STIGMER_TESTS_TEMPORAL_TASK_QUEUE_POLLERS_H_
#define STIGMER_TESTS_TEMPORAL_TASK_QUEUE_POLLERS_H_

#include <algorithm>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "grpcpp/client_context.h"
#include "temporal/api/workflowservice/v1/service.grpc.pb.h"
#include "temporal/temporal_channel.h"

namespace stigmer::testing {

// The identities Temporal lists as recent pollers of `task_queue` (namespace "default") for
// `type`; empty when Temporal cannot be asked.
inline std::vector<std::string> PollerIdentities(
    const std::string& address, const std::string& task_queue,
    ::temporal::api::enums::v1::TaskQueueType type =
        ::temporal::api::enums::v1::TASK_QUEUE_TYPE_WORKFLOW) {
  namespace wfs = ::temporal::api::workflowservice::v1;
  auto stub = wfs::WorkflowService::NewStub(temporal::CreateTemporalChannel(address, nullptr));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  wfs::DescribeTaskQueueRequest request;
  request.set_namespace_("default");
  request.mutable_task_queue()->set_name(task_queue);
  request.mutable_task_queue()->set_kind(::temporal::api::enums::v1::TASK_QUEUE_KIND_NORMAL);
  request.set_task_queue_type(type);
  wfs::DescribeTaskQueueResponse response;
  std::vector<std::string> identities;
  if (!stub->DescribeTaskQueue(&context, request, &response).ok()) return identities;
  for (const auto& poller : response.pollers()) identities.push_back(poller.identity());
  return identities;
}

inline bool HasPoller(const std::string& address, const std::string& task_queue,
                      const std::string& identity,
                      ::temporal::api::enums::v1::TaskQueueType type =
                          ::temporal::api::enums::v1::TASK_QUEUE_TYPE_WORKFLOW) {
  const std::vector<std::string> identities = PollerIdentities(address, task_queue, type);
  return std::find(identities.begin(), identities.end(), identity) != identities.end();
}

}  // namespace stigmer::testing

#endif  // STIGMER_TESTS_TEMPORAL_TASK_QUEUE_POLLERS_H_

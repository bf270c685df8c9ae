#include "workflow_starter.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "bench_support.h"
#include "grpcpp/client_context.h"
#include "temporal/api/workflowservice/v1/service.grpc.pb.h"
#include "temporal/payloads.h"

namespace stigmer::bench {
namespace {

namespace enums = ::temporal::api::enums::v1;
namespace wfs = ::temporal::api::workflowservice::v1;

constexpr char kInterrupted[] = "interrupted";
constexpr absl::Duration kLongPoll = absl::Seconds(30);          // one history long poll
constexpr absl::Duration kWorkflowTimeout = absl::Seconds(120);  // start → close, at most

// The close event of the run, by long polls on its history that return only that event.
absl::StatusOr<temporal::HistoryEvent> WaitForClose(temporal::TemporalClient& temporal,
                                                    const std::string& workflow_id,
                                                    const std::string& run_id) {
  const absl::Time deadline = absl::Now() + kWorkflowTimeout;
  std::string token;
  while (absl::Now() < deadline && !Interrupted()) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(std::min(deadline, absl::Now() + kLongPoll)));
    wfs::GetWorkflowExecutionHistoryRequest request;
    request.set_namespace_(temporal.options().namespace_name);
    request.mutable_execution()->set_workflow_id(workflow_id);
    request.mutable_execution()->set_run_id(run_id);
    request.set_wait_new_event(true);
    request.set_history_event_filter_type(enums::HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT);
    request.set_next_page_token(token);
    wfs::GetWorkflowExecutionHistoryResponse response;
    const grpc::Status status =
        temporal.stub().GetWorkflowExecutionHistory(&context, request, &response);
    if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) continue;  // poll again
    if (!status.ok()) {
      return temporal::FromGrpcStatus(status, absl::StrCat("waiting for ", workflow_id));
    }
    if (response.history().events_size() > 0) {
      return response.history().events(response.history().events_size() - 1);
    }
    token = response.next_page_token();
  }
  return absl::DeadlineExceededError(
      absl::StrCat(workflow_id, " did not close within ", absl::FormatDuration(kWorkflowTimeout)));
}

}  // namespace

absl::StatusOr<WorkflowStarter> WorkflowStarter::Connect(
    const std::string& address, int clients, std::shared_ptr<const temporal::PayloadCodec> codec,
    std::string signing_key) {
  WorkflowStarter starter;
  starter.signing_key_ = std::move(signing_key);
  for (int i = 0; i < clients; ++i) {
    for (const bool encrypted : {true, false}) {
      temporal::TemporalClientOptions options;
      options.address = address;
      options.identity = absl::StrCat("workflow_bench-", i);
      if (encrypted) options.codec = codec;
      absl::StatusOr<std::unique_ptr<temporal::TemporalClient>> client =
          temporal::TemporalClient::Connect(options, absl::Seconds(10));
      if (!client.ok()) return client.status();
      (encrypted ? starter.clients_ : starter.peer_clients_).push_back(std::move(*client));
    }
  }
  return starter;
}

std::pair<int, int> WorkflowStarter::HistoryShape(const std::string& workflow_id) {
  absl::StatusOr<std::vector<temporal::HistoryEvent>> events =
      clients_.front()->GetFullHistory(workflow_id);
  if (!events.ok()) return {0, 0};
  const auto tasks = std::count_if(events->begin(), events->end(), [](const auto& event) {
    return event.event_type() == enums::EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
  });
  return {static_cast<int>(events->size()), static_cast<int>(tasks)};
}

absl::StatusOr<std::vector<temporal::HistoryEvent>> WorkflowStarter::History(
    const std::string& workflow_id) {
  return clients_.front()->GetFullHistory(workflow_id);
}

std::string WorkflowStarter::Run(int client, bool peer, const temporal::StartWorkflowOptions& start,
                                 const nlohmann::json& expected) {
  if (Interrupted()) return kInterrupted;
  temporal::TemporalClient& temporal =
      *(peer ? peer_clients_ : clients_)[static_cast<size_t>(client)];
  absl::StatusOr<std::string> run_id = temporal.StartWorkflow(start);
  if (!run_id.ok()) return std::string(run_id.status().message());
  absl::StatusOr<temporal::HistoryEvent> closed =
      WaitForClose(temporal, start.workflow_id, *run_id);
  if (!closed.ok()) return std::string(closed.status().message());
  if (closed->event_type() != enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED) {
    return absl::StrCat(start.workflow_id, " closed with ",
                        enums::EventType_Name(closed->event_type()), ": ",
                        closed->ShortDebugString().substr(0, 400));
  }
  absl::StatusOr<nlohmann::json> result = temporal::DecodeJsonPayloadAt(
      closed->workflow_execution_completed_event_attributes().result());
  if (!result.ok()) return std::string(result.status().message());
  if (*result != expected) {
    return absl::StrCat(start.workflow_id, " returned ", result->dump(), ", not ", expected.dump());
  }
  return "";
}

}  // namespace stigmer::bench

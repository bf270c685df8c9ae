#include "temporal/run_chain.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace stigmer::temporal {

namespace {

namespace enums = ::temporal::api::enums::v1;

// Appends the events of `run_id` as they are now to `chain`.
absl::Status ReadRun(TemporalClient& client, const std::string& workflow_id,
                     const std::string& run_id, CallCanceller* canceller, RunChainHistory* chain) {
  std::string token;
  do {
    absl::StatusOr<HistoryPage> page =
        client.GetHistory(workflow_id, run_id, token, /*wait_new_event=*/false,
                          client.options().call_timeout, canceller);
    if (!page.ok()) return page.status();
    for (HistoryEvent& event : page->events) {
      chain->last_event_id = event.event_id();
      chain->events.push_back(std::move(event));
    }
    token = std::move(page->next_page_token);
  } while (!token.empty());
  chain->last_run_id = run_id;
  return absl::OkStatus();
}

// NotFound from Temporal means "no such workflow" only if the namespace is there: a Temporal
// that is just starting may answer before its namespace exists.
absl::Status ConfirmNamespace(TemporalClient& client, const absl::Status& not_found) {
  ::temporal::api::workflowservice::v1::DescribeNamespaceRequest request;
  request.set_namespace_(client.options().namespace_name);
  ::temporal::api::workflowservice::v1::DescribeNamespaceResponse response;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + client.options().call_timeout));
  const grpc::Status status = client.stub().DescribeNamespace(&context, request, &response);
  if (status.ok()) return not_found;
  return absl::UnavailableError(absl::StrCat("Temporal's namespace \"",
                                             client.options().namespace_name,
                                             "\" does not answer: ", status.error_message()));
}

}  // namespace

std::string NextRunId(const HistoryEvent& event, bool* closed) {
  *closed = true;
  switch (event.event_type()) {
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
      return event.workflow_execution_completed_event_attributes().new_execution_run_id();
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
      return event.workflow_execution_failed_event_attributes().new_execution_run_id();
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
      return event.workflow_execution_timed_out_event_attributes().new_execution_run_id();
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
      return event.workflow_execution_continued_as_new_event_attributes().new_execution_run_id();
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
      return "";
    default:
      *closed = false;
      return "";
  }
}

absl::StatusOr<RunChainHistory> ReadRunChain(TemporalClient& client, const std::string& workflow_id,
                                             CallCanceller* canceller) {
  absl::StatusOr<WorkflowDescription> latest = client.Describe(workflow_id);
  if (absl::IsNotFound(latest.status())) return ConfirmNamespace(client, latest.status());
  if (!latest.ok()) return latest.status();
  RunChainHistory chain;
  std::string run_id = latest->first_run_id.empty() ? latest->run_id : latest->first_run_id;
  while (!run_id.empty()) {
    if (absl::Status read = ReadRun(client, workflow_id, run_id, canceller, &chain); !read.ok()) {
      if (!absl::IsNotFound(read) || run_id == latest->run_id) return read;
      spdlog::warn("workflow {}: run {} is gone ({}); reading from the latest run", workflow_id,
                   run_id, read.ToString());
      chain = RunChainHistory();
      run_id = latest->run_id;
      continue;
    }
    run_id.clear();
    if (chain.events.empty()) break;
    run_id = NextRunId(chain.events.back(), &chain.closed);
    if (!run_id.empty()) chain.closed = false;
  }
  return chain;
}

}  // namespace stigmer::temporal

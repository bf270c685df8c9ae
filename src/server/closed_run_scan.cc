#include "server/closed_run_scan.h"

#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"

namespace stigmer::server {
namespace {

namespace wfs = ::temporal::api::workflowservice::v1;

constexpr absl::Duration kVisibilityLag = absl::Seconds(5);
constexpr int kPageSize = 1000;

}  // namespace

absl::Status ClosedRunScan::Scan(temporal::TemporalClient& client,
                                 absl::FunctionRef<void(const std::vector<ClosedRun>&)> on_page) {
  const absl::Time scan_started = absl::Now();
  const absl::Time since =
      (scanned_until_ == absl::InfinitePast() ? scan_started : scanned_until_) - kVisibilityLag;
  const std::string query = absl::StrCat(
      "CloseTime >= '", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", since, absl::UTCTimeZone()), "'");
  std::string token;
  do {
    wfs::ListWorkflowExecutionsRequest request;
    request.set_namespace_(client.options().namespace_name);
    request.set_page_size(kPageSize);
    request.set_next_page_token(token);
    request.set_query(query);
    wfs::ListWorkflowExecutionsResponse response;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + call_timeout_));
    const grpc::Status status = client.stub().ListWorkflowExecutions(&context, request, &response);
    if (!status.ok()) return FromGrpcStatus(status);
    std::vector<ClosedRun> page;
    page.reserve(response.executions_size());
    for (const auto& info : response.executions()) {
      page.push_back(
          {info.execution().workflow_id(), {info.execution().run_id(), info.history_length()}});
    }
    on_page(page);
    token = response.next_page_token();
  } while (!token.empty());
  scanned_until_ = scan_started;
  return absl::OkStatus();
}

}  // namespace stigmer::server

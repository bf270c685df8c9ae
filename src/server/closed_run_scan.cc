#include "server/closed_run_scan.h"

#include "absl/strings/str_cat.h"

namespace stigmer::server {
namespace {

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
  absl::Status listed = client.ListWorkflows(
      query, kPageSize, call_timeout_, [&](const temporal::TemporalClient::WorkflowInfos& infos) {
        std::vector<ClosedRun> page;
        page.reserve(infos.size());
        for (const auto& info : infos) {
          page.push_back(
              {info.execution().workflow_id(), {info.execution().run_id(), info.history_length()}});
        }
        on_page(page);
        return true;
      });
  if (!listed.ok()) return listed;
  scanned_until_ = scan_started;
  return absl::OkStatus();
}

}  // namespace stigmer::server

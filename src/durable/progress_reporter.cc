#include "durable/progress_reporter.h"

#include <utility>
#include <vector>

#include "common/bearer_token_channel.h"
#include "config/api_token.h"
#include "config/paths.h"
#include "spdlog/spdlog.h"

namespace stigmer::durable {

namespace {

constexpr int kMaxRunsPerCall = 1000;  // what the server takes (progress.proto)

}  // namespace

std::shared_ptr<ProgressReporter> ProgressReporter::FromEnvironment(
    const EnvironmentLookup& lookup) {
  std::optional<std::string> address = lookup("STIGMER_BACKEND_ENDPOINT");
  if (!address.has_value() || address->empty()) return nullptr;
  return std::make_shared<ProgressReporter>(
      Options{.address = *address, .token_file = config::Paths::FromEnvironment().ApiTokenFile()});
}

ProgressReporter::ProgressReporter(Options options) : options_(std::move(options)) {
  thread_ = std::thread([this] { Run(); });
}

ProgressReporter::~ProgressReporter() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  thread_.join();
}

void ProgressReporter::Report(const std::string& workflow_id, const std::string& run_id,
                              int64_t event_id) {
  absl::MutexLock lock(&mutex_);
  auto it = queued_.find(workflow_id);
  if (it == queued_.end()) {
    if (queued_.size() >= options_.max_queued) return;
    it = queued_.emplace(workflow_id, stigmer::v1::RunProgress()).first;
    it->second.set_workflow_id(workflow_id);
  }
  if (it->second.run_id() != run_id || it->second.event_id() < event_id) {
    it->second.set_run_id(run_id);
    it->second.set_event_id(event_id);
  }
}

void ProgressReporter::Run() {
  while (true) {
    stigmer::v1::ReportProgressRequest request;
    {
      absl::MutexLock lock(&mutex_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
        return stopping_ || !queued_.empty();
      };
      mutex_.Await(absl::Condition(&ready));
      if (stopping_) return;
      while (!queued_.empty() && request.runs_size() < kMaxRunsPerCall) {
        *request.add_runs() = std::move(queued_.begin()->second);
        queued_.erase(queued_.begin());
      }
    }
    Send(request);
  }
}

bool ProgressReporter::Send(const stigmer::v1::ReportProgressRequest& request) {
  if (stub_ == nullptr) {
    absl::StatusOr<std::string> token = config::ReadApiToken(options_.token_file);
    if (!token.ok()) {
      if (!outage_logged_) {
        spdlog::warn("cannot report progress to stigmer-server: {}",
                     std::string(token.status().message()));
      }
      outage_logged_ = true;
      return false;
    }
    stub_ =
        stigmer::v1::ProgressService::NewStub(CreateBearerTokenChannel(options_.address, *token));
  }
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options_.call_timeout));
  stigmer::v1::ReportProgressResponse response;
  const grpc::Status status = stub_->Report(&context, request, &response);
  if (status.ok()) {
    if (outage_logged_) spdlog::info("reporting progress to stigmer-server again");
    outage_logged_ = false;
    return true;
  }
  // The server tells finished runs from Temporal too; say so once per outage.
  spdlog::log(outage_logged_ ? spdlog::level::debug : spdlog::level::warn,
              "stigmer-server at {} did not take a progress report ({}); it reads the runs' "
              "histories from Temporal instead",
              options_.address, status.error_message());
  outage_logged_ = true;
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) stub_.reset();  // a new token?
  return false;
}

}  // namespace stigmer::durable

#include "server/progress_service.h"

#include "absl/strings/str_cat.h"

namespace stigmer::server {

grpc::Status ProgressService::Report(grpc::ServerContext*,
                                     const stigmer::v1::ReportProgressRequest* request,
                                     stigmer::v1::ReportProgressResponse*) {
  if (request->runs_size() > kMaxRunsPerReport) {
    return {grpc::StatusCode::INVALID_ARGUMENT,
            absl::StrCat("a report names ", request->runs_size(), " runs; the most is ",
                         kMaxRunsPerReport, ": send several")};
  }
  for (const stigmer::v1::RunProgress& run : request->runs()) {
    if (run.workflow_id().empty()) {
      return {grpc::StatusCode::INVALID_ARGUMENT, "a reported run has no workflow_id"};
    }
  }
  for (const stigmer::v1::RunProgress& run : request->runs()) {
    executions_->OnProgress(run.workflow_id(), {run.run_id(), run.event_id()});
  }
  return grpc::Status::OK;
}

}  // namespace stigmer::server

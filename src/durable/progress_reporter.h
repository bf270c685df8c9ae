#ifndef STIGMER_DURABLE_PROGRESS_REPORTER_H_
#define STIGMER_DURABLE_PROGRESS_REPORTER_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/environment.h"
#include "stigmer/v1/progress.grpc.pb.h"

namespace stigmer::durable {

// Tells stigmer-server which runs a worker moved on (stigmer/v1/progress.proto), so that it
// reads their histories then instead of long-polling each. Off the task threads: Report()
// queues (one entry per run, the latest event kept) and returns; one thread sends what is queued,
// up to 1,000 runs a call. A report is a hint: when the server does not take it within
// `call_timeout` it is dropped (one warning per outage), since the server also learns of every
// close from Temporal. Thread-safe.
class ProgressReporter {
 public:
  struct Options {
    std::string address;               // stigmer-server's host:port
    std::filesystem::path token_file;  // its API token, read when first needed and after a refusal
    size_t max_queued = 100000;        // runs; more are dropped until the queue drains
    absl::Duration call_timeout = absl::Seconds(2);
  };

  // From STIGMER_BACKEND_ENDPOINT (and the API token of STIGMER_HOME); null when it is unset.
  static std::shared_ptr<ProgressReporter> FromEnvironment(const EnvironmentLookup& lookup);

  explicit ProgressReporter(Options options);
  ~ProgressReporter();  // drops what is still queued
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  // The history of `run_id` of `workflow_id` now has event `event_id`.
  void Report(const std::string& workflow_id, const std::string& run_id, int64_t event_id);

 private:
  void Run();
  // Sends `request`; false when the server did not take it.
  bool Send(const stigmer::v1::ReportProgressRequest& request);

  const Options options_;
  std::unique_ptr<stigmer::v1::ProgressService::Stub> stub_;  // the sending thread's only
  bool outage_logged_ = false;                                // the sending thread's only

  absl::Mutex mutex_;
  std::map<std::string, stigmer::v1::RunProgress> queued_ ABSL_GUARDED_BY(mutex_);
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

}  // namespace stigmer::durable

#endif  // STIGMER_DURABLE_PROGRESS_REPORTER_H_

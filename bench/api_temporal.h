#ifndef STIGMER_BENCH_API_TEMPORAL_H_
#define STIGMER_BENCH_API_TEMPORAL_H_

#include <filesystem>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "bench_support.h"

namespace stigmer::bench {

// The real Temporal dev server for api_bench, as the daemon runs it (DESIGN.md) but headless:
// `temporal server start-dev --headless --ip 127.0.0.1 --port <free> --db-filename
// <folder>/temporal.db --log-level warn`, so its state is a SQLite file, like
// data/temporal/temporal.db; with `in_memory`, without --db-filename (SQLite in memory).
// Output goes to <folder>/temporal.log. Stopped (SIGTERM, SIGKILL
// after 10 s) when destroyed.
class ApiTemporalServer {
 public:
  // Starts it and waits (up to 60 s) until grpc.health.v1 says the WorkflowService is SERVING.
  static absl::StatusOr<std::unique_ptr<ApiTemporalServer>> Start(
      const std::string& binary, const std::filesystem::path& folder, bool in_memory = false);
  ~ApiTemporalServer();
  ApiTemporalServer(const ApiTemporalServer&) = delete;
  ApiTemporalServer& operator=(const ApiTemporalServer&) = delete;

  std::string address() const { return address_; }
  int pid() const { return child_->pid(); }
  // Seconds from spawn to SERVING.
  double seconds_to_serving() const { return seconds_to_serving_; }

 private:
  ApiTemporalServer(std::unique_ptr<ChildProgram> child, std::string address)
      : child_(std::move(child)), address_(std::move(address)) {}

  std::unique_ptr<ChildProgram> child_;
  std::string address_;
  double seconds_to_serving_ = 0;
};

}  // namespace stigmer::bench

#endif  // STIGMER_BENCH_API_TEMPORAL_H_

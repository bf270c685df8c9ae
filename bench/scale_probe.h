#ifndef STIGMER_BENCH_SCALE_PROBE_H_
#define STIGMER_BENCH_SCALE_PROBE_H_

#include <sys/types.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench_support.h"
#include "config/paths.h"
#include "stigmer/v1/execution.grpc.pb.h"

// What scale_bench runs and measures besides the load itself.
namespace stigmer::bench {

// `stigmer internal stigmer-server` under `paths` on free ports, against Temporal at
// `temporal_address`; killed when destroyed.
class StigmerServerProcess {
 public:
  // Starts it and waits (up to 60 s) until it answers an authenticated call.
  static absl::StatusOr<std::unique_ptr<StigmerServerProcess>> Start(
      const std::string& stigmer, const config::Paths& paths, const std::string& temporal_address,
      const std::filesystem::path& log);

  StigmerServerProcess() = default;  // use Start()
  StigmerServerProcess(const StigmerServerProcess&) = delete;
  StigmerServerProcess& operator=(const StigmerServerProcess&) = delete;

  pid_t pid() const { return child_->pid(); }
  const std::string& address() const { return address_; }
  const std::string& token() const { return token_; }

 private:
  std::unique_ptr<ChildProgram> child_;
  std::string address_, token_;
};

// Every 250 ms until stopped: the server's threads and RSS, and one List of the 50 newest
// executions, timed.
class ScaleProbe {
 public:
  // REQUIRES: `executions` outlives this object.
  ScaleProbe(pid_t server, stigmer::v1::ExecutionService::Stub* executions)
      : server_(server), executions_(executions) {}
  ~ScaleProbe() { Stop(); }

  void Start();
  void Stop();

  int max_threads() const { return max_threads_; }
  double max_rss_mib() const { return max_rss_kib_ / 1024.0; }
  double max_list_ms() const;
  double list_quantile(double q) const;
  // "threads ≤ 23, RSS ≤ 80.1 MiB, get executions p50 1.2 ms, p99 3.4 ms, max 9.8 ms (412 calls)"
  std::string Describe() const;

 private:
  void Loop();

  const pid_t server_;
  stigmer::v1::ExecutionService::Stub* const executions_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  int max_threads_ = 0;  // written by the thread only, read after Stop()
  int64_t max_rss_kib_ = 0;
  std::vector<double> list_ms_;
};

// Opens `watches` Watch streams on executions spread over ids[0, made) and returns, for each,
// the milliseconds from the execution's close (ended_at) to the final state on the stream.
std::vector<double> WatchUntilClosed(const std::string& address, const std::string& token,
                                     const std::vector<std::string>& ids, int made, int watches,
                                     absl::Duration timeout);

// Reads `sampled` executions spread over ids[0, made) with Get, each from a second before its
// timer fires (created + timer), every 100 ms, until it is final; returns the milliseconds from
// each one's close to the first Get that saw it final.
std::vector<double> SampleUntilFinal(stigmer::v1::ExecutionService::Stub* executions,
                                     const std::vector<std::string>& ids,
                                     const std::vector<absl::Time>& created, int made, int sampled,
                                     absl::Duration timer, absl::Duration timeout);

struct ScaleOutcome {
  int total = 0, completed = 0, right = 0;
  std::string first_wrong;
  std::string Describe() const;
};

// Waits (up to `timeout`) until no execution is PENDING or RUNNING, then reads every record:
// COMPLETED, and right when its output's n is its input's n.
ScaleOutcome CheckAll(stigmer::v1::ExecutionService::Stub* executions, absl::Duration timeout);

}  // namespace stigmer::bench

#endif  // STIGMER_BENCH_SCALE_PROBE_H_

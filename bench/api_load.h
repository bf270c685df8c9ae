#ifndef STIGMER_BENCH_API_LOAD_H_
#define STIGMER_BENCH_API_LOAD_H_

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

// Closed-loop load for api_bench: N client threads, each making a fixed number of calls one after
// the other, every call timed; and the summary table api_bench prints.
namespace stigmer::bench {

// One call of one client: `client` in [0, clients), `index` in [0, requests per client). Returns
// "" on success, else what went wrong (the call still counts; see LoadResult::errors).
using ApiCall = std::function<std::string(int client, int index)>;

struct LoadResult {
  std::vector<double> latencies_ms;  // every successful call
  double seconds = 0;                // wall time: all clients released → the last one done
  int64_t errors = 0;
  std::string first_error;
  // CPU time (user + system) used meanwhile by the Temporal dev server and by this process
  // (the clients and, in-process, stigmer-server); set by RunLoad when given the server's pid.
  double temporal_cpu_seconds = 0, own_cpu_seconds = 0;

  // Calls made, successful or not.
  double Calls() const { return static_cast<double>(latencies_ms.size() + errors); }
  // Successful calls per second over the wall time.
  double Throughput() const;
  // The q-quantile (0..1, nearest rank) of the successful calls' latencies; NaN when none.
  double Quantile(double q) const;
  // Their mean; NaN when none. In a closed loop it is clients ÷ throughput (Little's law), so
  // that it moves with the CPU a call costs while the quantiles also show how evenly a
  // saturated server serves its callers.
  double Mean() const;
};

// Starts `clients` threads that wait at a common start line; once all are ready, each makes
// `requests_per_client` calls of `call` in a row. Returns when every thread has finished.
// `temporal_pid` (> 0): the process whose CPU time to count as temporal_cpu_seconds. With
// `calls_per_second` > 0 the load is paced (open loop): call k of all (interleaved over the
// clients) starts no earlier than k / calls_per_second after the start line, so that the figures
// show the cost of a call on a machine that is not saturated.
LoadResult RunLoad(int clients, int requests_per_client, const ApiCall& call, int temporal_pid,
                   double calls_per_second = 0);

// CPU seconds (user + system) the process `pid` has used so far; 0 for this process.
double CpuSeconds(int pid);

// "2000 calls in 0.41 s: 4878/s, p50 2.91 ms, mean 3.40 ms, p99 9.80 ms, max 14.2 ms, 0 errors; CPU
// per call: temporal 1.20 ms, bench process 0.50 ms".
std::string DescribeLoad(const LoadResult& result);

// Pools the samples of several rounds of the same kind (their wall times add up).
LoadResult Combine(const std::vector<LoadResult>& rounds);

// One row of api_bench's summary table. `peer` is the same figure measured on Temporal directly
// (NaN: none). The goal applies to the stigmer figure, or with `goal_on_delta` to stigmer − peer.
struct ApiRow {
  std::string metric;
  double stigmer = NAN;
  double peer = NAN;
  std::string unit;
  double goal = NAN;  // NaN: informative, no goal
  bool higher_is_better = false;
  bool goal_on_delta = false;
};

// The table: metric, stigmer, temporal (the peer), ratio (stigmer ÷ peer) or Δ (stigmer − peer,
// for rows whose goal is on the difference), goal, PASS/FAIL (or "-" without a goal).
std::string FormatApiTable(const std::vector<ApiRow>& rows);

}  // namespace stigmer::bench

#endif  // STIGMER_BENCH_API_LOAD_H_

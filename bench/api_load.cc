#include "api_load.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <latch>
#include <mutex>
#include <numeric>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench_support.h"

namespace stigmer::bench {

double LoadResult::Throughput() const {
  return seconds > 0 ? static_cast<double>(latencies_ms.size()) / seconds : NAN;
}

double LoadResult::Quantile(double q) const {
  if (latencies_ms.empty()) return NAN;
  std::vector<double> sorted = latencies_ms;
  const size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  const size_t index = std::clamp<size_t>(rank, 1, sorted.size()) - 1;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(index),
                   sorted.end());
  return sorted[index];
}

double LoadResult::Mean() const {
  if (latencies_ms.empty()) return NAN;
  return std::accumulate(latencies_ms.begin(), latencies_ms.end(), 0.0) /
         static_cast<double>(latencies_ms.size());
}

double CpuSeconds(int pid) {
  std::ifstream in(pid > 0 ? absl::StrCat("/proc/", pid, "/stat") : "/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields 14 and 15 (utime, stime, in clock ticks) count from the ") " closing the name.
  const size_t name_end = text.rfind(") ");
  if (name_end == std::string::npos) return 0;
  std::istringstream fields(text.substr(name_end + 2));
  std::string field;
  double ticks = 0;
  for (int index = 3; index <= 15 && fields >> field; ++index) {
    if (index >= 14) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

LoadResult RunLoad(int clients, int requests_per_client, const ApiCall& call, int temporal_pid,
                   double calls_per_second) {
  struct PerClient {
    std::vector<double> latencies_ms;
    int64_t errors = 0;
    std::string first_error;
  };
  std::vector<PerClient> per_client(static_cast<size_t>(clients));
  std::latch ready(clients + 1);
  std::latch go(1);
  Clock::time_point start_line;  // written before `go` opens
  std::vector<std::thread> threads;
  threads.reserve(per_client.size());
  for (int client = 0; client < clients; ++client) {
    threads.emplace_back([&, client] {
      PerClient& mine = per_client[static_cast<size_t>(client)];
      mine.latencies_ms.reserve(static_cast<size_t>(requests_per_client));
      ready.count_down();
      go.wait();
      for (int index = 0; index < requests_per_client; ++index) {
        if (calls_per_second > 0) {
          const double due = (static_cast<double>(index) * clients + client) / calls_per_second;
          std::this_thread::sleep_until(start_line + std::chrono::duration_cast<Clock::duration>(
                                                         std::chrono::duration<double>(due)));
        }
        const Clock::time_point start = Clock::now();
        std::string error = call(client, index);
        const Clock::time_point end = Clock::now();
        if (error.empty()) {
          mine.latencies_ms.push_back(MillisBetween(start, end));
        } else if (mine.errors++ == 0) {
          mine.first_error = std::move(error);
        }
      }
    });
  }
  ready.arrive_and_wait();
  const double temporal_cpu = temporal_pid > 0 ? CpuSeconds(temporal_pid) : 0;
  const double own_cpu = CpuSeconds(0);
  const Clock::time_point start = Clock::now();
  start_line = start;
  go.count_down();
  for (std::thread& thread : threads) thread.join();
  LoadResult result;
  result.seconds = MillisBetween(start, Clock::now()) / 1000.0;
  if (temporal_pid > 0) result.temporal_cpu_seconds = CpuSeconds(temporal_pid) - temporal_cpu;
  result.own_cpu_seconds = CpuSeconds(0) - own_cpu;
  for (PerClient& client : per_client) {
    result.latencies_ms.insert(result.latencies_ms.end(), client.latencies_ms.begin(),
                               client.latencies_ms.end());
    result.errors += client.errors;
    if (result.first_error.empty()) result.first_error = client.first_error;
  }
  return result;
}

LoadResult Combine(const std::vector<LoadResult>& rounds) {
  LoadResult all;
  for (const LoadResult& round : rounds) {
    all.latencies_ms.insert(all.latencies_ms.end(), round.latencies_ms.begin(),
                            round.latencies_ms.end());
    all.seconds += round.seconds;
    all.errors += round.errors;
    all.temporal_cpu_seconds += round.temporal_cpu_seconds;
    all.own_cpu_seconds += round.own_cpu_seconds;
    if (all.first_error.empty()) all.first_error = round.first_error;
  }
  return all;
}

std::string DescribeLoad(const LoadResult& result) {
  std::string text = absl::StrFormat(
      "%6d calls in %6.2f s: %8.0f/s, p50 %7.2f ms, mean %7.2f ms, p99 %7.2f ms, max %7.2f ms, "
      "%d errors",
      result.latencies_ms.size(), result.seconds, result.Throughput(), result.Quantile(0.5),
      result.Mean(), result.Quantile(0.99), result.Quantile(1.0), result.errors);
  if (result.errors > 0) absl::StrAppend(&text, " (first: ", result.first_error, ")");
  if (const double calls = result.Calls(); calls > 0) {
    absl::StrAppend(&text,
                    absl::StrFormat("; CPU per call: temporal %.2f ms, bench process %.2f ms",
                                    1000 * result.temporal_cpu_seconds / calls,
                                    1000 * result.own_cpu_seconds / calls));
  }
  return text;
}

std::string FormatApiTable(const std::vector<ApiRow>& rows) {
  auto figure = [](double value, const std::string& unit) {
    return std::isnan(value) ? std::string("-") : absl::StrFormat("%.2f %s", value, unit);
  };
  std::string line = absl::StrFormat("%-40s %14s %14s %12s %14s  %s", "metric", "stigmer",
                                     "temporal", "ratio/delta", "goal", "result");
  std::string table = absl::StrCat(line, "\n", std::string(line.size(), '-'), "\n");
  for (const ApiRow& row : rows) {
    const bool both = !std::isnan(row.stigmer) && !std::isnan(row.peer);
    std::string compared = "-";
    if (both && row.goal_on_delta) {
      compared = absl::StrFormat("%+.2f %s", row.stigmer - row.peer, row.unit);
    } else if (both && row.peer != 0) {
      compared = absl::StrFormat("%.3g", row.stigmer / row.peer);
    }
    std::string goal = "-", result = "-";
    const double judged = row.goal_on_delta ? row.stigmer - row.peer : row.stigmer;
    if (!std::isnan(row.goal)) {
      goal = absl::StrCat(row.goal_on_delta ? "delta " : "", row.higher_is_better ? ">= " : "<= ",
                          absl::StrFormat("%g %s", row.goal, row.unit));
      if (std::isnan(judged)) {
        result = "n/a";
      } else {
        result = (row.higher_is_better ? judged >= row.goal : judged <= row.goal) ? "PASS" : "FAIL";
      }
    }
    absl::StrAppend(&table, absl::StrFormat("%-40s %14s %14s %12s %14s  %s\n", row.metric,
                                            figure(row.stigmer, row.unit),
                                            figure(row.peer, row.unit), compared, goal, result));
  }
  return table;
}

}  // namespace stigmer::bench
